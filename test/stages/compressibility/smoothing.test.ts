import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitStep, initialCommit } from '../../../src/stages/compressibility/smoothing/commit.js';
import { emaSmoother } from '../../../src/stages/compressibility/smoothing/ema.js';
import { hmmSmoother } from '../../../src/stages/compressibility/smoothing/hmm.js';
import { hysteresisSmoother } from '../../../src/stages/compressibility/smoothing/hysteresis.js';
import { argmax } from '../../../src/stages/compressibility/smoothing/smoother.js';
import type { SmootherKind } from '../../../src/stages/compressibility/smoothing/tracker.js';
import { smootherFor } from '../../../src/stages/compressibility/smoothing/tracker.js';

const p = fc.double({ min: 0, max: 1, noNaN: true });
const dt = fc.double({ min: 0.001, max: 0.5, noNaN: true });
const close = (a: readonly number[], b: readonly number[], eps = 1e-9) => a.every((x, i) => Math.abs(x - b[i]!) < eps);

describe('hmm smoother', () => {
  it('moves an uninformative frame of dt exactly as far as two frames of dt/2 (transitions compose)', () => {
    fc.assert(
      fc.property(fc.array(p, { minLength: 3, maxLength: 3 }), dt, fc.double({ min: 0.1, max: 10, noNaN: true }), (obs, d, dwellS) => {
        const hmm = hmmSmoother({ classes: 3, dwellS, evidenceS: 0.1 });
        const start = hmm.step(hmm.initial, obs, 0.2, undefined).state;
        const flat = [0.5, 0.5, 0.5];
        const one = hmm.step(start, flat, d, undefined).state;
        const two = hmm.step(hmm.step(start, flat, d / 2, undefined).state, flat, d / 2, undefined).state;
        expect(close(one, two)).toBe(true);
      }),
    );
  });

  it('weighs one frame of dt exactly as two frames of dt/2 with the same reading when the state cannot change', () => {
    fc.assert(
      fc.property(fc.array(p, { minLength: 2, maxLength: 2 }), dt, (obs, d) => {
        const hmm = hmmSmoother({ classes: 2, dwellS: 1e12, evidenceS: 0.1 });
        const one = hmm.step(hmm.initial, obs, d, undefined).state;
        const two = hmm.step(hmm.step(hmm.initial, obs, d / 2, undefined).state, obs, d / 2, undefined).state;
        expect(close(one, two, 1e-6)).toBe(true);
      }),
    );
  });

  it('keeps the posterior a probability vector whatever it reads', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(p, { minLength: 3, maxLength: 3 }), fc.double({ min: 0, max: 5, noNaN: true }))), (frames) => {
        const hmm = hmmSmoother({ classes: 3, dwellS: 2, evidenceS: 0.1 });
        let s = hmm.initial;
        for (const [obs, d] of frames) s = hmm.step(s, obs, d, undefined).state;
        expect(s.every((x) => x >= 0 && x <= 1)).toBe(true);
        expect(Math.abs(s.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
      }),
    );
  });

  it('has no opinion on the first frame (dt = 0 carries no evidence)', () => {
    const hmm = hmmSmoother({ classes: 2, dwellS: 1, evidenceS: 0.1 });
    expect(hmm.step(hmm.initial, [0, 1], 0, undefined).candidate).toBeUndefined();
  });
});

describe('ema smoother', () => {
  it('averages one frame of dt exactly as two frames of dt/2 with the same reading', () => {
    fc.assert(
      fc.property(fc.array(p, { minLength: 2, maxLength: 2 }), fc.array(p, { minLength: 2, maxLength: 2 }), dt, (first, obs, d) => {
        const ema = emaSmoother({ timeConstantS: 0.2 });
        const start = ema.step(ema.initial, first, 0, undefined).state;
        const one = ema.step(start, obs, d, undefined).state!;
        const two = ema.step(ema.step(start, obs, d / 2, undefined).state, obs, d / 2, undefined).state!;
        expect(close(one, two)).toBe(true);
      }),
    );
  });
});

describe('hysteresis smoother', () => {
  const h = hysteresisSmoother({ enter: 0.7, exit: 0.4 });
  it('keeps the reported class while its probability stays at or above exit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.4, max: 1, noNaN: true }), (keep) => {
        expect(h.step(undefined, [keep, 1 - keep], 0.1, 0).candidate).toBe(0);
      }),
    );
  });
  it('favours another class only once it reaches enter and the reported one fell below exit', () => {
    expect(h.step(undefined, [0.35, 0.65], 0.1, 0).candidate).toBe(0);
    expect(h.step(undefined, [0.3, 0.7], 0.1, 0).candidate).toBe(1);
    expect(h.step(undefined, [0.5, 0.5], 0.1, undefined).candidate).toBeUndefined();
  });
});

describe('commit (minimum dwell)', () => {
  it('never commits a candidate seen on a single frame, whatever the dwell', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (dwellS, now) => {
        expect(commitStep(initialCommit, 1, now, dwellS * 1000).changed).toBe(false);
      }),
    );
  });

  it('commits once the same candidate has held for the dwell and remembers since when', () => {
    let s = initialCommit;
    for (const t of [0, 100, 200]) s = commitStep(s, 1, t, 200).state;
    expect(s).toMatchObject({ committed: 1, committedSinceMs: 0, pending: undefined });
  });

  it('restarts the dwell when the candidate changes', () => {
    let s = commitStep(initialCommit, 1, 0, 200).state;
    s = commitStep(s, 2, 100, 200).state;
    const r = commitStep(s, 2, 250, 200);
    expect(r.changed).toBe(false);
    expect(commitStep(r.state, 2, 300, 200).state.committed).toBe(2);
  });
});

describe('argmax', () => {
  it('has no opinion on a tie', () => {
    expect(argmax([0.5, 0.5])).toBeUndefined();
    expect(argmax([0.2, 0.5, 0.3])).toBe(1);
  });
});

/** Seconds from a step in the input to the first frame the smoother favours the new class (noise-free, sampled at fps). */
function stepLag(kind: SmootherKind, fps: number, from: number, to: number, stepS = 3): number {
  const smoother = smootherFor({ smoother: kind, classes: 2, dwellS: 0.75, evidenceS: 0.1, emaS: 0.2, enter: 0.7, exit: 0.4, commitS: 0.2 });
  let s = smoother.initial;
  for (let i = 0; i < 10 * fps; i++) {
    const t = i / fps;
    const pClosed = t < stepS ? from : to;
    const r = smoother.step(s, [1 - pClosed, pClosed], i === 0 ? 0 : 1 / fps, 0);
    s = r.state;
    if (t >= stepS && r.candidate === 1) return t - stepS;
  }
  return Infinity;
}

describe('smoothing lag', () => {
  it.each(['hmm', 'ema', 'hysteresis'] as const)('with %s, the lag of a step in seconds does not depend on the frame rate (within one frame)', (kind) => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.25, noNaN: true }),
        fc.double({ min: 0.75, max: 1, noNaN: true }),
        fc.constantFrom(10, 12.5, 15, 25),
        (lo, hi, fps) => {
          const slow = stepLag(kind, fps, lo, hi);
          const fast = stepLag(kind, 2 * fps, lo, hi);
          expect(Number.isFinite(slow)).toBe(true);
          expect(Math.abs(slow - fast)).toBeLessThanOrEqual(1 / fps + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
