/**
 * The image-statistics half of the in-distribution check: 32 statistics of the model's
 * input frame (layout, gray levels, speckle texture) and their Mahalanobis distance from
 * the frames the model was trained on. The model-feature score alone let real clips of
 * other organs through (their pooled features sit inside the phantom's range); these
 * statistics look at the pixels themselves.
 *
 * The same `frameStatistics` runs at fit time (training/image_features.ts) and at
 * inference, so the fitted numbers and the live ones cannot drift apart. The rule:
 * docs/training-runs/2026-12-08-image-statistics-rule.md; the fit:
 * training/fit_image_statistics.py, stored in the model metadata
 * `autodvt.image_statistics`.
 */

/** Names of the statistics, in the order `frameStatistics` returns them. */
export const IMAGE_STATISTICS: readonly string[] = [
  ...Array.from({ length: 16 }, (_, i) => `grid_${Math.floor(i / 4)}_${i % 4}_mean`),
  'mean',
  'sd',
  'p10',
  'p25',
  'p50',
  'p75',
  'p90',
  'p99',
  'fraction_zero',
  'fraction_saturated',
  'abs_diff_across',
  'abs_diff_along',
  'corr_across',
  'corr_along',
  'block_cv_median',
  'fraction_edges',
];

const GRID = 4;
const BLOCK = 10;
const BLOCK_MIN_MEAN = 15;
const EDGE_STEP = 40;
const SATURATED = 250;

/** The statistics of one 8-bit gray frame (row-major, width x height), as `IMAGE_STATISTICS` names them. */
export function frameStatistics(pixels: Uint8Array, width: number, height: number): Float64Array {
  const out = new Float64Array(IMAGE_STATISTICS.length);
  const n = width * height;
  // Layout: the mean of each cell of a 4x4 grid.
  for (let gy = 0; gy < GRID; gy++) {
    const y0 = Math.floor((gy * height) / GRID);
    const y1 = Math.floor(((gy + 1) * height) / GRID);
    for (let gx = 0; gx < GRID; gx++) {
      const x0 = Math.floor((gx * width) / GRID);
      const x1 = Math.floor(((gx + 1) * width) / GRID);
      let s = 0;
      for (let y = y0; y < y1; y++) for (let x = x0, k = y * width + x0; x < x1; x++, k++) s += pixels[k]!;
      out[gy * GRID + gx] = s / Math.max(1, (y1 - y0) * (x1 - x0));
    }
  }
  // Gray levels: mean, SD, percentiles (from the histogram), zero and saturated fractions.
  const histogram = new Float64Array(256);
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < n; k++) {
    const v = pixels[k]!;
    histogram[v]!++;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  let o = GRID * GRID;
  out[o++] = mean;
  out[o++] = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  for (const p of [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) out[o++] = percentile(histogram, n, p);
  out[o++] = histogram[0]! / n;
  let saturated = 0;
  for (let v = SATURATED; v < 256; v++) saturated += histogram[v]!;
  out[o++] = saturated / n;
  // Texture over neighbour pairs of non-zero pixels: across the beam (rows) and along it (columns).
  const across = pairStatistics(pixels, width, height, 1, 0);
  const along = pairStatistics(pixels, width, height, 0, 1);
  out[o++] = across.absDiff;
  out[o++] = along.absDiff;
  out[o++] = across.correlation;
  out[o++] = along.correlation;
  out[o++] = blockCvMedian(pixels, width, height);
  const pairs = across.pairs + along.pairs;
  out[o++] = pairs > 0 ? (across.edges + along.edges) / pairs : 0;
  return out;
}

function percentile(histogram: Float64Array, n: number, p: number): number {
  const target = p * n;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= target) return v;
  }
  return 255;
}

interface PairStatistics {
  pairs: number;
  absDiff: number;
  correlation: number;
  edges: number;
}

function pairStatistics(pixels: Uint8Array, width: number, height: number, dx: number, dy: number): PairStatistics {
  let pairs = 0;
  let absDiff = 0;
  let edges = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let y = 0; y + dy < height; y++) {
    for (let x = 0; x + dx < width; x++) {
      const k = y * width + x;
      const a = pixels[k]!;
      const b = pixels[k + dy * width + dx]!;
      if (a === 0 || b === 0) continue;
      const d = Math.abs(a - b);
      pairs++;
      absDiff += d;
      if (d > EDGE_STEP) edges++;
      sa += a;
      sb += b;
      saa += a * a;
      sbb += b * b;
      sab += a * b;
    }
  }
  if (pairs === 0) return { pairs, absDiff: 0, correlation: 0, edges };
  const va = saa / pairs - (sa / pairs) ** 2;
  const vb = sbb / pairs - (sb / pairs) ** 2;
  const cov = sab / pairs - (sa / pairs) * (sb / pairs);
  const correlation = va > 1e-9 && vb > 1e-9 ? cov / Math.sqrt(va * vb) : 0;
  return { pairs, absDiff: absDiff / pairs, correlation, edges };
}

function blockCvMedian(pixels: Uint8Array, width: number, height: number): number {
  const cvs: number[] = [];
  for (let y0 = 0; y0 + BLOCK <= height; y0 += BLOCK) {
    for (let x0 = 0; x0 + BLOCK <= width; x0 += BLOCK) {
      let s = 0;
      let ss = 0;
      for (let y = y0; y < y0 + BLOCK; y++) {
        for (let x = x0, k = y * width + x0; x < x0 + BLOCK; x++, k++) {
          const v = pixels[k]!;
          s += v;
          ss += v * v;
        }
      }
      const m = s / (BLOCK * BLOCK);
      if (m < BLOCK_MIN_MEAN) continue;
      cvs.push(Math.sqrt(Math.max(0, ss / (BLOCK * BLOCK) - m * m)) / m);
    }
  }
  if (cvs.length === 0) return 0;
  cvs.sort((a, b) => a - b);
  const mid = cvs.length >> 1;
  return cvs.length % 2 ? cvs[mid]! : (cvs[mid - 1]! + cvs[mid]!) / 2;
}

/** The fitted statistics, as stored in `autodvt.image_statistics`. */
export interface ImageStatisticsSpec {
  features: string[];
  mean: number[];
  sd: number[];
  /** Row-major inverse of the shrunk correlation matrix of the standardised features. */
  precision: number[];
  threshold: number;
  /** The rest of the stored record (data, recipe, held-out rates). */
  fitted: Record<string, unknown>;
}

/** Checks a stored record; returns a problem in words, or the spec. */
export function parseImageStatistics(record: unknown): ImageStatisticsSpec | string {
  if (typeof record !== 'object' || record === null) return 'is not an object';
  const r = record as Record<string, unknown>;
  const d = IMAGE_STATISTICS.length;
  const numbers = (v: unknown, length: number) => Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!Array.isArray(r.features) || r.features.join(',') !== IMAGE_STATISTICS.join(',')) {
    return `names other statistics than this version computes (${IMAGE_STATISTICS.length}: ${IMAGE_STATISTICS[0]} ... ${IMAGE_STATISTICS[d - 1]})`;
  }
  if (!numbers(r.mean, d) || !numbers(r.sd, d)) return `needs "mean" and "sd" of ${d} finite numbers`;
  if (!(r.sd as number[]).every((s) => s > 0)) return 'has an "sd" that is not positive';
  if (!numbers(r.precision, d * d)) return `needs "precision", ${d * d} finite numbers`;
  if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) return 'needs a finite "threshold"';
  return {
    features: r.features as string[],
    mean: r.mean as number[],
    sd: r.sd as number[],
    precision: r.precision as number[],
    threshold: r.threshold,
    fitted: r,
  };
}

/** Mahalanobis distance of a frame's statistics from the fitted ones (higher = less like training). */
export function imageScore(spec: ImageStatisticsSpec, statistics: Float64Array): number {
  const d = spec.mean.length;
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) z[i] = (statistics[i]! - spec.mean[i]!) / spec.sd[i]!;
  let q = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += spec.precision[i * d + j]! * z[j]!;
    q += z[i]! * row;
  }
  return Math.sqrt(Math.max(0, q));
}
