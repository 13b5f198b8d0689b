/**
 * notCompressibleNeedsOpen: "not-compressible" needs a vein seen open at the landmark and
 * then pressed (held, or pressed minCycles times) without closing. A vein that reads closed
 * from its first frame (a heart chamber, a shadow, a gallbladder read as a closed vein) is
 * `inconclusive`, not a clot (issue 17, item 4).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressibilitySchema } from '../../../src/stages/compressibility/params.js';
import type { CompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { createCompressibility } from '../../../src/stages/compressibility/reducer.js';
import type { Segment } from './prediction-stream.js';
import { duplicateFrames, exam, predictionStream } from './prediction-stream.js';
import { exams, runReducer, verdicts } from './run-reducer.js';

const OPEN = 0.02;
const reducer = (o: Partial<CompressibilityParams> = {}) => createCompressibility(compressibilitySchema.parse(o));
const run = (segments: Segment[], o: Partial<CompressibilityParams> = {}, fps = 30) =>
  runReducer(reducer(o), exam(predictionStream(segments, { fps, noise: 0, seed: 1 }))).outputs;
const bg = (durationS: number, pClosed = OPEN): Segment => ({ durationS, landmark: 'BG', pClosed });
const at = (landmark: 'LM1' | 'LM2', durationS: number, pClosed: number): Segment => ({ durationS, landmark, pClosed });

describe('compressibility: not-compressible needs a vein seen open (notCompressibleNeedsOpen)', () => {
  it('is a boolean schema parameter, on by default', () => {
    expect(compressibilitySchema.parse({}).notCompressibleNeedsOpen).toBe(true);
    expect(compressibilitySchema.safeParse({ notCompressibleNeedsOpen: 1 }).success).toBe(false);
  });

  it('a vein closed from the first frame and held 6 s is inconclusive with the rule, not-compressible without', () => {
    const segments = [bg(1, 1), at('LM1', 6, 1), bg(2, 1)];
    const on = verdicts(run(segments));
    expect(on.map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(on[0]!.explain.at(-1)).toMatch(/the vein was never seen open at LM1 .*notCompressibleNeedsOpen/);
    const off = verdicts(run(segments, { notCompressibleNeedsOpen: false }));
    expect(off.map((v) => v.verdict)).toEqual(['not-compressible']);
  });

  it('such an exam is never referred: it ends incomplete', () => {
    const segments = [bg(1, 1), at('LM1', 6, 1), bg(2, 1), at('LM2', 6, 1), bg(1, 1)];
    const out = run(segments);
    expect(exams(out)[0]!.verdict).toBe('incomplete');
  });

  it('a vein seen open, then held without closing, is still not-compressible (a clot)', () => {
    const vs = verdicts(run([bg(1), at('LM1', 4, OPEN), bg(2)]));
    expect(vs.map((v) => v.verdict)).toEqual(['not-compressible']);
  });

  it('the held time counts from when the vein was seen open: closed 2 s, then open 1.5 s is too short', () => {
    const vs = verdicts(run([bg(1, 1), at('LM1', 2, 1), at('LM1', 1.5, OPEN), bg(2)]));
    expect(vs.map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(vs[0]!.explain.at(-1)).toMatch(/too short after the vein was seen open at LM1/);
  });

  it('property: the rule only turns not-compressible into inconclusive, never anything else, and keeps every visit', () => {
    const segment = fc.record({
      landmark: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
      pClosed: fc.oneof(fc.constant(OPEN), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      durationS: fc.double({ min: 0.1, max: 4, noNaN: true }),
    });
    const smoother = fc.constantFrom('hmm' as const, 'ema' as const, 'hysteresis' as const);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 10 }), smoother, fc.constantFrom(10, 15, 30), fc.integer(), (segs, s, fps, seed) => {
        const events = exam(predictionStream(segs, { fps, noise: 0.05, seed }));
        const on = verdicts(runReducer(reducer({ smoother: s }), events).outputs);
        const off = verdicts(runReducer(reducer({ smoother: s, notCompressibleNeedsOpen: false }), events).outputs);
        expect(on.map((v) => [v.landmark, v.startMs, v.endMs])).toEqual(off.map((v) => [v.landmark, v.startMs, v.endMs]));
        on.forEach((v, i) => {
          if (v.verdict !== off[i]!.verdict) {
            expect(off[i]!.verdict).toBe('not-compressible');
            expect(v.verdict).toBe('inconclusive');
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('property: a landmark whose vein never reads open is never not-compressible, at any frame rate, frames duplicated or not', () => {
    const visit = fc.record({
      landmark: fc.constantFrom('LM1' as const, 'LM2' as const),
      heldS: fc.double({ min: 0.6, max: 8, noNaN: true }),
      pClosed: fc.double({ min: 0.6, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(visit, { minLength: 1, maxLength: 3 }), fc.constantFrom(10, 12.5, 25, 30), fc.integer(), (visits, fps, seed) => {
        const segments: Segment[] = [bg(1, 1)];
        for (const v of visits) segments.push(at(v.landmark, v.heldS, v.pClosed), bg(2, 1));
        const preds = predictionStream(segments, { fps, noise: 0.02, seed });
        const once = runReducer(reducer(), exam(preds)).outputs;
        expect(verdicts(once).some((v) => v.verdict === 'not-compressible')).toBe(false);
        expect(exams(once)[0]!.verdict).not.toBe('refer for specialist ultrasound');
        const twice = runReducer(reducer(), exam(duplicateFrames(preds))).outputs;
        expect(verdicts(twice).some((v) => v.verdict === 'not-compressible')).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
