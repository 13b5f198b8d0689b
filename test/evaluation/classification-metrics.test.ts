import { describe, expect, it } from 'vitest';
import { scoresFor, table2 } from '../../src/evaluation/classification-metrics.js';

const emptyLandmark = () => [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
];

describe('classification metrics', () => {
  it('computes precision, recall and F1 from a confusion matrix', () => {
    // truth rows, predicted columns
    const m = [
      [8, 2],
      [1, 9],
    ];
    const s = scoresFor(m, 1);
    expect(s.precision).toBeCloseTo(9 / 11);
    expect(s.recall).toBeCloseTo(9 / 10);
    expect(s.f1).toBeCloseTo((2 * (9 / 11) * 0.9) / (9 / 11 + 0.9));
    expect(s.support).toBe(10);
  });

  it('gives 0 rather than NaN for a class never predicted or never present', () => {
    expect(
      scoresFor(
        [
          [5, 0],
          [0, 0],
        ],
        1,
      ),
    ).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('scores O/C as the mean of the open and closed classes', () => {
    const t = table2(
      emptyLandmark(),
      [
        [90, 0],
        [10, 0],
      ],
      100,
    ); // everything called open
    const oc = t.rows[0]!.scores;
    const openF1 = (2 * 0.9 * 1) / 1.9;
    expect(oc.f1).toBeCloseTo(openF1 / 2);
  });

  it('lays out O/C, LM1, LM2, BG as in the paper', () => {
    const t = table2(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      3,
    );
    expect(t.rows.map((r) => r.name)).toEqual(['O/C', 'LM1', 'LM2', 'BG']);
    expect(t.rows.every((r) => r.scores.f1 === 1)).toBe(true);
  });
});
