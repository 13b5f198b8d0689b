import { describe, expect, it } from 'vitest';
import { emptyGroup, addPrediction, f1Scores, sumGroups, type GroupConfusion } from '../../src/evaluation/grouped-confusions.js';
import { pairedBootstrap, quantile } from '../../src/evaluation/paired-bootstrap.js';
import type { WindowPrediction } from '../../src/evaluation/window-prediction.js';

/** A patient's windows: `n` of each landmark class and of open/closed; the model gets `wrong` of each class wrong. */
function patient(n: number, wrong: number): GroupConfusion {
  const g = emptyGroup();
  for (let cls = 0; cls < 3; cls++) {
    for (let i = 0; i < n; i++) {
      const pred = i < wrong ? (cls + 1) % 3 : cls;
      const vein = cls === 2 ? -1 : cls;
      const p: WindowPrediction = {
        exam: 0,
        seq: i,
        landmarkTrue: cls,
        landmarkPred: pred,
        veinTrue: vein,
        veinPred: vein < 0 ? 0 : i < wrong ? 1 - vein : vein,
      };
      addPrediction(g, p);
    }
  }
  return g;
}

describe('paired bootstrap of the F1 difference', () => {
  it('gives a zero-width interval at zero when both models answer the same', () => {
    const clusters = [0, 1, 2, 3, 4].map((k) => ({ a: patient(10, k % 3), b: patient(10, k % 3) }));
    const r = pairedBootstrap(clusters, { rounds: 300, seed: 1 });
    for (const s of Object.values(r.scores)) expect(s).toEqual({ difference: 0, low: 0, high: 0 });
  });

  it('puts the interval above zero when B beats A on every patient, and reports the observed difference', () => {
    const clusters = Array.from({ length: 8 }, (_, k) => ({ a: patient(10, 4 + (k % 2)), b: patient(10, k % 2) }));
    const r = pairedBootstrap(clusters, { rounds: 500, seed: 7 });
    const observed = f1Scores(sumGroups(clusters.map((c) => c.b))).mean - f1Scores(sumGroups(clusters.map((c) => c.a))).mean;
    expect(r.scores.mean.difference).toBeCloseTo(observed, 12);
    expect(r.scores.mean.low).toBeGreaterThan(0);
    expect(r.scores.mean.low).toBeLessThanOrEqual(r.scores.mean.difference);
    expect(r.scores.mean.high).toBeGreaterThanOrEqual(r.scores.mean.difference);
    expect(r.clusters).toBe(8);
  });

  it('straddles zero when B is better on some patients and worse on others', () => {
    const clusters = Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? { a: patient(10, 5), b: patient(10, 0) } : { a: patient(10, 0), b: patient(10, 5) }));
    const r = pairedBootstrap(clusters, { rounds: 1000, seed: 3 });
    expect(r.scores.mean.low).toBeLessThan(0);
    expect(r.scores.mean.high).toBeGreaterThan(0);
  });

  it('gives the same interval for the same seed and a different one for another seed', () => {
    const clusters = Array.from({ length: 6 }, (_, k) => ({ a: patient(8, k % 4), b: patient(8, (k + 1) % 3) }));
    const a = pairedBootstrap(clusters, { rounds: 200, seed: 11 });
    const b = pairedBootstrap(clusters, { rounds: 200, seed: 11 });
    const c = pairedBootstrap(clusters, { rounds: 200, seed: 12 });
    expect(a).toEqual(b);
    expect(c.scores.mean).not.toEqual(a.scores.mean);
  });

  it('interpolates quantiles of sorted values', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([], 0.5)).toBeUndefined();
  });
});
