/**
 * Unknown windows (unlike the model's training data, models/README.md "In-distribution
 * score") never count: they are frames that never came. And an exam whose windows are
 * mostly unknown ends `incomplete`, "images unlike the model's training data".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PredictionEvent } from '../../../src/core/events.js';
import { defaultCompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { createCompressibility, UNLIKE_TRAINING } from '../../../src/stages/compressibility/reducer.js';
import type { Segment } from './prediction-stream.js';
import { exam, predictionStream } from './prediction-stream.js';
import { exams, runReducer, states, verdicts } from './run-reducer.js';

const OPEN = 0.02;
const reducer = () => createCompressibility(defaultCompressibilityParams);
const bg = (durationS: number): Segment => ({ durationS, landmark: 'BG', pClosed: OPEN });
const at = (landmark: 'LM1' | 'LM2', durationS: number, pClosed: number): Segment => ({ durationS, landmark, pClosed });
/** A healthy exam: each landmark found open, pressed closed, released. */
const healthy: Segment[] = [
  bg(1),
  at('LM1', 1.5, OPEN),
  at('LM1', 0.8, 1),
  at('LM1', 1.5, OPEN),
  bg(2),
  at('LM2', 1.5, OPEN),
  at('LM2', 0.8, 1),
  at('LM2', 1.5, OPEN),
  bg(2),
];

const scored = (p: PredictionEvent, unknown: boolean): PredictionEvent => ({
  ...p,
  inDistribution: { score: unknown ? 90 : 10, threshold: 40, unknown },
});

describe('compressibility: unknown windows never count', () => {
  it('a healthy exam with every window known is negative, and the exam event counts its windows', () => {
    const events = exam(predictionStream(healthy, { fps: 30, seed: 1 }).map((p) => scored(p, false)));
    const out = runReducer(reducer(), events).outputs;
    const [e] = exams(out);
    expect(e!.verdict).toBe('2-point exam negative at the examined landmarks');
    expect(e!.inDistribution).toEqual({ windows: events.length - 2, unknown: 0 });
    expect(e!.incompleteReason).toBeUndefined();
  });

  it('the same exam with every window unknown has no visit, no verdict, and ends incomplete with the reason', () => {
    const events = exam(predictionStream(healthy, { fps: 30, seed: 1 }).map((p) => scored(p, true)));
    const out = runReducer(reducer(), events).outputs;
    expect(verdicts(out)).toEqual([]);
    const [e] = exams(out);
    expect(e!.verdict).toBe('incomplete');
    expect(e!.incompleteReason).toBe(UNLIKE_TRAINING);
    expect(e!.landmarks).toEqual({ LM1: 'not-examined', LM2: 'not-examined' });
    const s = states(out);
    expect(s.every((x) => x.unknownWindow === true && x.vein === 'unknown' && x.landmark === 'BG')).toBe(true);
    // The reason is given once, when the run of unknown windows starts.
    expect(s.filter((x) => x.reason?.includes('unlike the model')).length).toBe(1);
  });

  it('unknown windows during a press hide the closure: the landmark is not called compressible', () => {
    const preds = predictionStream(healthy, { fps: 30, seed: 1 });
    // Every frame whose pClosed says closed is unknown: the closures were never seen.
    const events = exam(preds.map((p) => scored(p, p.pClosed > 0.5)));
    const out = runReducer(reducer(), events).outputs;
    expect(verdicts(out).some((v) => v.verdict === 'compressible')).toBe(false);
    expect(exams(out)[0]!.verdict).not.toBe('2-point exam negative at the examined landmarks');
  });

  it('a run of unknown windows longer than graceS ends the visit', () => {
    const preds = predictionStream([bg(1), at('LM1', 3, OPEN), at('LM1', 2, OPEN), at('LM1', 1, OPEN)], { fps: 30, seed: 1 });
    const events = exam(preds.map((p) => scored(p, p.ptsMs >= 4000 && p.ptsMs < 6000)));
    const out = runReducer(reducer(), events).outputs;
    const vs = verdicts(out);
    expect(vs.length).toBeGreaterThanOrEqual(1);
    expect(vs[0]!.explain.join('\n')).toMatch(/windows unlike the training data for [\d.]+ s \(> graceS 1 s\)/);
    expect(vs[0]!.endMs).toBeLessThan(4000);
  });

  const segment = fc.record({
    landmark: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
    pClosed: fc.oneof(fc.constant(OPEN), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    durationS: fc.double({ min: 0.1, max: 3, noNaN: true }),
  });
  const streams = fc.tuple(fc.array(segment, { maxLength: 10 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.integer());

  it('property: an exam more than half unknown is incomplete with the reason, and otherwise not for that reason', () => {
    fc.assert(
      fc.property(streams, ([segs, mask, seed]) => {
        const preds = predictionStream(segs, { fps: 15, noise: 0.05, seed });
        const out = runReducer(reducer(), exam(preds.map((p, i) => scored(p, mask[i % mask.length]!)))).outputs;
        const unknown = preds.filter((_, i) => mask[i % mask.length]).length;
        const e = exams(out)[0]!;
        if (preds.length > 0 && unknown * 2 > preds.length) {
          expect(e.verdict).toBe('incomplete');
          expect(e.incompleteReason).toBe(UNLIKE_TRAINING);
        } else {
          expect(e.incompleteReason).toBeUndefined();
        }
      }),
      { numRuns: 100 },
    );
  });

  // Issue 17: this property did not hold before. A counterexample found in CI (seed 393814547):
  // LM1 reads closed, the probe slides briefly to background (vein open) while LM1 is still
  // held, then LM1 reads closed again, every 6th window from the 2nd unknown. Open and closed
  // runs were dated from the smoothers' "favoured since" times, so they spanned the unknown
  // windows (time never seen) and the frames on which the landmark smoother already favoured
  // background: with windows hidden, the slide was reported as a short open run at LM1 and the
  // second closure counted. Now an unknown window, or a frame on which the smoother favours
  // another landmark, interrupts the landmark: runs count only from the next steady frame.
  const neverAddsCompressible = fc.property(streams, ([segs, mask, seed]) => {
    const preds = predictionStream(segs, { fps: 15, noise: 0.05, seed });
    const known = runReducer(reducer(), exam(preds.map((p) => scored(p, false)))).outputs;
    const out = runReducer(reducer(), exam(preds.map((p, i) => scored(p, mask[i % mask.length]!)))).outputs;
    const compressibleBefore = verdicts(known).filter((v) => v.verdict === 'compressible').length;
    expect(verdicts(out).filter((v) => v.verdict === 'compressible').length).toBeLessThanOrEqual(compressibleBefore);
  });

  it('property: marking windows unknown never turns a verdict into compressible', () => {
    fc.assert(neverAddsCompressible, { numRuns: 100 });
  });

  it('property, on the fixed seed that found the counterexample (20261207): marking windows unknown never adds a compressible', () => {
    fc.assert(neverAddsCompressible, { numRuns: 100, seed: 20261207 });
  });

  it('the counterexample from CI: a closure, a slide to background, a closure, every 6th window unknown, is not compressible', () => {
    const segs = [bg(0.1), bg(0.1), at('LM1', 0.69, 1), bg(0.18), at('LM1', 0.7, 1)];
    const preds = predictionStream(segs, { fps: 15, noise: 0.05, seed: 393814547 });
    const known = verdicts(runReducer(reducer(), exam(preds.map((p) => scored(p, false)))).outputs);
    const hidden = verdicts(runReducer(reducer(), exam(preds.map((p, i) => scored(p, i % 6 === 1)))).outputs);
    expect(known.map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(hidden.map((v) => v.verdict)).toEqual(['inconclusive']);
  });

  it('unknown windows inside a press split it: only the closed time between them counts, and none of it reaches minClosedS', () => {
    const segs = [bg(1), at('LM1', 1.5, OPEN), at('LM1', 0.8, 1), at('LM1', 1.5, OPEN), bg(2)];
    const preds = predictionStream(segs, { fps: 30, seed: 1 });
    // Frames 83 and 91: 0.27 s and 0.53 s into the closure (it starts at 2.5 s, frame 75).
    const hiddenMidPress = (i: number) => i === 83 || i === 91;
    const known = verdicts(runReducer(reducer(), exam(preds.map((p) => scored(p, false)))).outputs);
    const hidden = verdicts(runReducer(reducer(), exam(preds.map((p, i) => scored(p, hiddenMidPress(i))))).outputs);
    expect(known.map((v) => v.verdict)).toEqual(['compressible']);
    expect(hidden.map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(hidden[0]!.explain.join('\n')).toMatch(/window unlike the training data: closure interrupted/);
  });

  it('predictions without an in-distribution score change nothing (older models)', () => {
    const preds = predictionStream(healthy, { fps: 30, seed: 2 });
    const plain = runReducer(reducer(), exam(preds)).outputs;
    const known = runReducer(reducer(), exam(preds.map((p) => scored(p, false)))).outputs;
    expect(verdicts(known).map((v) => v.verdict)).toEqual(verdicts(plain).map((v) => v.verdict));
    expect(exams(plain)[0]!.inDistribution).toBeUndefined();
  });
});
