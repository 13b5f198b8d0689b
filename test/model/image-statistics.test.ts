/**
 * The image-statistics score (src/model/image-statistics.ts; the rule:
 * docs/training-runs/2026-12-08-image-statistics-rule.md): the statistics of known images,
 * the Mahalanobis distance, the stored record's checks, and its use on predictions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameStatistics, IMAGE_STATISTICS, imageScore, parseImageStatistics, type ImageStatisticsSpec } from '../../src/model/image-statistics.js';
import { inDistributionOf } from '../../src/stages/onnx-inference/in-distribution.js';
import { unknownReason } from '../../src/model/unknown-reason.js';

const D = IMAGE_STATISTICS.length;
const at = (name: string) => IMAGE_STATISTICS.indexOf(name);
const identity = (d: number) => Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0));
const spec = (threshold: number, sd = 1): ImageStatisticsSpec =>
  parseImageStatistics({
    features: [...IMAGE_STATISTICS],
    mean: new Array(D).fill(0),
    sd: new Array(D).fill(sd),
    precision: identity(D),
    threshold,
  }) as ImageStatisticsSpec;

describe('image statistics of a frame', () => {
  it('a flat gray frame: its level everywhere, no spread, no texture', () => {
    const s = frameStatistics(new Uint8Array(20 * 20).fill(100), 20, 20);
    expect(s).toHaveLength(D);
    for (let i = 0; i < 16; i++) expect(s[i]).toBe(100);
    for (const p of ['mean', 'p10', 'p50', 'p99']) expect(s[at(p)]).toBe(100);
    expect(s[at('sd')]).toBe(0);
    expect(s[at('fraction_zero')]).toBe(0);
    expect(s[at('abs_diff_across')]).toBe(0);
    expect(s[at('corr_along')]).toBe(0); // no variance: no correlation
    expect(s[at('block_cv_median')]).toBe(0);
  });

  it('layout: a bright top-left quarter shows in the grid cells it covers only', () => {
    const px = new Uint8Array(40 * 40);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) px[y * 40 + x] = 200;
    const s = frameStatistics(px, 40, 40);
    expect([s[at('grid_0_0_mean')], s[at('grid_1_1_mean')], s[at('grid_0_2_mean')], s[at('grid_3_3_mean')]]).toEqual([200, 200, 0, 0]);
    expect(s[at('fraction_zero')]).toBeCloseTo(0.75);
    expect(s[at('p75')]).toBe(0);
    expect(s[at('p90')]).toBe(200);
  });

  it('texture: vertical stripes differ across the beam and not along it; zero pixels are left out of pairs', () => {
    const px = new Uint8Array(30 * 30);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) px[y * 30 + x] = x % 2 ? 150 : 50;
    const s = frameStatistics(px, 30, 30);
    expect(s[at('abs_diff_across')]).toBe(100);
    expect(s[at('abs_diff_along')]).toBe(0);
    expect(s[at('corr_across')]).toBeCloseTo(-1);
    expect(s[at('fraction_edges')]).toBeCloseTo(0.5); // every across pair, no along pair
    expect(s[at('fraction_saturated')]).toBe(0);
    px.fill(0, 0, 30 * 15); // top half black: its pairs are not counted
    expect(frameStatistics(px, 30, 30)[at('abs_diff_across')]).toBe(100);
  });

  it('every statistic is finite on any frame', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.integer(), (w, h, seed) => {
        let r = seed >>> 0;
        const px = Uint8Array.from({ length: w * h }, () => ((r = (r * 1103515245 + 12345) >>> 0) >>> 24) & 255);
        return frameStatistics(px, w, h).every(Number.isFinite);
      }),
    );
  });
});

describe('image score', () => {
  it('with unit SDs and an identity precision it is the Euclidean distance from the mean', () => {
    const x = new Float64Array(D);
    x[0] = 3;
    x[5] = 4;
    expect(imageScore(spec(1), x)).toBeCloseTo(5);
    expect(imageScore(spec(1, 2), x)).toBeCloseTo(2.5);
  });

  it('the stored record is checked: other statistics, wrong lengths, a zero SD are refused in words', () => {
    const good = { features: [...IMAGE_STATISTICS], mean: new Array(D).fill(0), sd: new Array(D).fill(1), precision: identity(D), threshold: 3 };
    expect(typeof parseImageStatistics(good)).toBe('object');
    expect(parseImageStatistics({ ...good, features: ['a'] })).toMatch(/other statistics/);
    expect(parseImageStatistics({ ...good, mean: [1] })).toMatch(/"mean" and "sd"/);
    expect(parseImageStatistics({ ...good, sd: new Array(D).fill(0) })).toMatch(/not positive/);
    expect(parseImageStatistics({ ...good, precision: [] })).toMatch(/precision/);
    expect(parseImageStatistics({ ...good, threshold: 'x' })).toMatch(/threshold/);
    expect(parseImageStatistics(null)).toMatch(/not an object/);
  });

  it('on a prediction: a frame far from the fitted statistics makes the window unknown even when the model score is low', () => {
    const info = { inDistribution: { output: 'in_distribution', threshold: 10, fitted: {} }, imageStatistics: spec(5, 100) };
    const dark = { pixels: new Uint8Array(150 * 150), width: 150, height: 150 };
    const bright = { pixels: new Uint8Array(150 * 150).fill(255), width: 150, height: 150 };
    const near = inDistributionOf(info, 1, [], dark)!;
    expect(near.image!.score).toBeLessThan(5);
    expect(near.unknown).toBe(false);
    const far = inDistributionOf(info, 1, [], bright)!;
    expect(far.image!.score).toBeGreaterThan(5);
    expect(far.unknown).toBe(true);
    expect(unknownReason(far)).toMatch(/^image statistics \d+\.\d > 5\.0$/);
    expect(inDistributionOf({ inDistribution: info.inDistribution }, 1, [], bright)!.image).toBeUndefined();
  });
});
