/**
 * openBeforeClosure: a closure counts only if the vein was seen open at the landmark, in the
 * visit, for at least commitS before it began ("find the vein open, then press"). The case it
 * guards against (phantom exams, docs/compressibility.md): a press already under way when the
 * landmark is first reported, because the probe pressed on the scene before (a background
 * vessel, or the other landmark) or the landmark label flipped mid-press. Without the rule such
 * a press made a clotted landmark `compressible`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressibilitySchema, defaultCompressibilityParams } from '../../../src/stages/compressibility/params.js';
import type { CompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { createCompressibility } from '../../../src/stages/compressibility/reducer.js';
import type { Segment } from './prediction-stream.js';
import { duplicateFrames, exam, predictionStream } from './prediction-stream.js';
import { exams, runReducer, verdicts, verdictSummary } from './run-reducer.js';

const OPEN = 0.02;
const ON = { openBeforeClosure: true } as const;
const OFF = { openBeforeClosure: false } as const;
const reducer = (overrides: Partial<CompressibilityParams> = {}) => createCompressibility(compressibilitySchema.parse(overrides));
const run = (segments: Segment[], overrides: Partial<CompressibilityParams> = {}, fps = 30) =>
  runReducer(reducer(overrides), exam(predictionStream(segments, { fps, noise: 0, seed: 1 }))).outputs;

const bg = (durationS: number, pClosed = OPEN): Segment => ({ durationS, landmark: 'BG', pClosed });
const at = (landmark: 'LM1' | 'LM2', durationS: number, pClosed: number): Segment => ({ durationS, landmark, pClosed });
/** A press that starts on the background and is still closed when LM1 comes into view, then LM1 held open. */
const carriedPress = (landmark: 'LM1' | 'LM2' = 'LM1', heldOpenS = 4): Segment[] => [
  bg(1),
  bg(0.6, 1),
  at(landmark, 1, 1),
  at(landmark, heldOpenS, OPEN),
  bg(2),
];
/** LM1 found open for 1.5 s, then pressed closed for 0.8 s, then open again. */
const properPress = (landmark: 'LM1' | 'LM2' = 'LM1'): Segment[] => [bg(1), at(landmark, 1.5, OPEN), at(landmark, 0.8, 1), at(landmark, 2, OPEN), bg(2)];

describe('compressibility: openBeforeClosure (find the vein open, then press)', () => {
  it('is a boolean schema parameter, on by default (chosen for the stage 6 model by a rule fixed in advance: docs/compressibility.md)', () => {
    expect(defaultCompressibilityParams.openBeforeClosure).toBe(true);
    expect(compressibilitySchema.parse(OFF).openBeforeClosure).toBe(false);
    expect(compressibilitySchema.parse(ON).openBeforeClosure).toBe(true);
    expect(compressibilitySchema.safeParse({ openBeforeClosure: 'yes' }).success).toBe(false);
  });

  it('a press carried over onto the landmark makes it compressible without the rule, and is ignored with it', () => {
    const off = verdicts(run(carriedPress(), OFF));
    expect(off).toHaveLength(1);
    // Without the rule the carried-over press counts: this is the error the rule prevents.
    expect(off[0]!.verdict).toBe('compressible');

    const on = verdicts(run(carriedPress(), ON));
    expect(on).toHaveLength(1);
    expect(on[0]!.evidence.framesClosed).toBeGreaterThan(0);
    expect(on[0]!.verdict).toBe('not-compressible');
    expect(on[0]!.explain.join('\n')).toMatch(
      /vein closed \(since [\d.]+ s\) before it was seen open at LM1 for commitS 0.2 s \(longest 0.00 s\): closure ignored \(openBeforeClosure\)/,
    );
    expect(on[0]!.explain.at(-1)).toMatch(
      /verdict not-compressible: LM1 held .* and the vein never closed \(1 closure before the vein was seen open at LM1 ignored: openBeforeClosure\)/,
    );
  });

  it('a press on a vein first seen open counts as before', () => {
    for (const setting of [ON, OFF]) {
      const vs = verdicts(run(properPress(), setting));
      expect(vs.map((v) => v.verdict)).toEqual(['compressible']);
    }
  });

  it('after the ignored press, a proper press at the same landmark still makes it compressible', () => {
    const segments = [bg(1), bg(0.6, 1), at('LM1', 1, 1), at('LM1', 1.5, OPEN), at('LM1', 0.8, 1), at('LM1', 1.5, OPEN), bg(2)];
    const [v] = verdicts(run(segments, ON));
    expect(v!.verdict).toBe('compressible');
    expect(v!.explain.join('\n')).toMatch(/closure ignored \(openBeforeClosure\)/);
  });

  it('exam: a clotted LM2 whose only closure was carried over is referred with the rule, called negative without', () => {
    const segments = [...properPress('LM1').slice(0, -1), bg(1.5), bg(0.6, 1), at('LM2', 1, 1), at('LM2', 4, 0.1), bg(2)];
    const off = run(segments, OFF);
    expect(verdictSummary(off)).toEqual(['LM1:compressible', 'LM2:compressible']);
    expect(exams(off)[0]!.verdict).toBe('2-point exam negative at the examined landmarks');
    const on = run(segments, ON);
    expect(verdictSummary(on)).toEqual(['LM1:compressible', 'LM2:not-compressible']);
    expect(exams(on)[0]!.verdict).toBe('refer for specialist ultrasound');
  });

  it('property: the rule never makes a visit compressible, and changes nothing when every press starts after an open vein', () => {
    const segment = fc.record({
      landmark: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
      pClosed: fc.oneof(fc.constant(OPEN), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      durationS: fc.double({ min: 0.1, max: 3, noNaN: true }),
    });
    const params = fc.record({
      closedLevelHold: fc.constantFrom('peak' as const, 'sustained' as const, 'two-level' as const),
      smoother: fc.constantFrom('hmm' as const, 'ema' as const, 'hysteresis' as const),
      unclearClosure: fc.constantFrom('inconclusive' as const, 'not-closed' as const),
    });
    const fps = fc.constantFrom(10, 15, 25, 30);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), params, fps, fc.integer(), (segs, p, f, seed) => {
        const events = exam(predictionStream(segs, { fps: f, noise: 0.05, seed }));
        const off = verdicts(runReducer(reducer({ ...p, ...OFF }), events).outputs);
        const on = verdicts(runReducer(reducer({ ...p, ...ON }), events).outputs);
        // The same visits: the rule only judges closures, never where visits start or end.
        expect(on.map((v) => [v.landmark, v.startMs, v.endMs])).toEqual(off.map((v) => [v.landmark, v.startMs, v.endMs]));
        on.forEach((v, i) => {
          if (v.verdict === 'compressible') expect(off[i]!.verdict).toBe('compressible');
          if (!v.explain.some((line) => line.includes('closure ignored (openBeforeClosure)'))) {
            expect(v.verdict).toBe(off[i]!.verdict);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('property: carried-over presses are ignored at any frame rate, proper presses count; duplicating frames changes nothing', () => {
    const visitArb = fc.record({ carried: fc.boolean(), healthy: fc.boolean() });
    const fps = fc.constantFrom(10, 12.5, 15, 24, 25, 30);
    fc.assert(
      fc.property(fc.array(visitArb, { minLength: 1, maxLength: 3 }), fps, fc.integer(), (visits, f, seed) => {
        // Each visit: either a press carried onto the landmark (then held open, or pressed
        // properly too when healthy), or a proper press only.
        const segments: Segment[] = [bg(2)];
        visits.forEach((v, i) => {
          const lm = i % 2 === 0 ? 'LM1' : 'LM2';
          if (v.carried) segments.push(bg(0.6, 1), at(lm, 1, 1), at(lm, 1.5, OPEN));
          else segments.push(at(lm, 1.5, OPEN));
          if (v.healthy || !v.carried) segments.push(at(lm, 0.8, 1), at(lm, 1.5, OPEN));
          else segments.push(at(lm, 2.5, OPEN));
          segments.push(bg(2.5));
        });
        const preds = predictionStream(segments, { fps: f, noise: 0.02, seed });
        const once = runReducer(reducer(ON), exam(preds)).outputs;
        const twice = runReducer(reducer(ON), exam(duplicateFrames(preds))).outputs;
        expect(verdicts(once).map((v) => v.verdict)).toEqual(visits.map((v) => (v.healthy || !v.carried ? 'compressible' : 'not-compressible')));
        expect(verdictSummary(twice)).toEqual(verdictSummary(once));
      }),
      { numRuns: 60 },
    );
  });
});
