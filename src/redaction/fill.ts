/**
 * Fill kernels: blank boxes in an 8-bit gray image, either black (a constant) or
 * inpainted — a Coons patch stretched over the smoothed one-pixel ring around the
 * box, so the fill meets its neighbourhood without a hard edge. In place, over
 * typed arrays; callers copy first.
 */
import type { Box } from '../core/events.js';

export type FillMode = 'black' | 'inpaint';

export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Set every pixel outside `region` to `value`. */
export function fillOutside(img: GrayImage, region: Box, value = 0): void {
  const { width, height, pixels } = img;
  const x0 = Math.max(0, Math.min(width, region.x));
  const y0 = Math.max(0, Math.min(height, region.y));
  const x1 = Math.max(x0, Math.min(width, region.x + region.width));
  const y1 = Math.max(y0, Math.min(height, region.y + region.height));
  pixels.fill(value, 0, y0 * width);
  pixels.fill(value, y1 * width, width * height);
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    pixels.fill(value, row, row + x0);
    pixels.fill(value, row + x1, row + width);
  }
}

/**
 * Inpainted boxes of earlier frames, for reuse: an inpainted box depends only on the
 * one-pixel ring around it, so where the ring holds the same pixels as last time (a box
 * on a static overlay) the fill is copied instead of computed again. Entries not used in
 * a frame are dropped. One cache per stream of frames of one size.
 */
export class InpaintCache {
  private entries = new Map<string, { ring: Uint8Array; patch: Uint8Array }>();
  private used = new Set<string>();
  hits = 0;
  misses = 0;

  /** Start a frame: entries the previous frame did not use are dropped. */
  beginFrame(): void {
    if (this.entries.size > this.used.size) {
      for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
    }
    this.used.clear();
  }

  /** @internal */
  get(key: string) {
    this.used.add(key);
    return this.entries.get(key);
  }

  /** @internal */
  set(key: string, ring: Uint8Array, patch: Uint8Array): void {
    this.used.add(key);
    this.entries.set(key, { ring, patch });
  }
}

/** Fill each box (clipped to the image). Boxes must be disjoint and at least 2 px apart for `inpaint` to be idempotent. */
export function fillBoxes(img: GrayImage, boxes: readonly Box[], mode: FillMode, value = 0, cache?: InpaintCache): void {
  cache?.beginFrame();
  for (const b of boxes) {
    const x0 = Math.max(0, b.x);
    const y0 = Math.max(0, b.y);
    const x1 = Math.min(img.width, b.x + b.width);
    const y1 = Math.min(img.height, b.y + b.height);
    if (x1 <= x0 || y1 <= y0) continue;
    if (mode === 'black') {
      for (let y = y0; y < y1; y++) img.pixels.fill(value, y * img.width + x0, y * img.width + x1);
    } else if (cache) {
      inpaintCached(img, x0, y0, x1, y1, value, cache);
    } else {
      inpaintBox(img, x0, y0, x1, y1, value);
    }
  }
}

/** inpaintBox, or a copy of its last result when the ring around the box is unchanged. */
function inpaintCached(img: GrayImage, x0: number, y0: number, x1: number, y1: number, value: number, cache: InpaintCache): void {
  const { width, height, pixels } = img;
  const w = x1 - x0;
  const h = y1 - y0;
  // Every pixel inpaintBox reads: the rows above and below and the columns left and
  // right, corners included, at clamped coordinates.
  const ring = new Uint8Array(2 * (w + 2) + 2 * (h + 2));
  const at = (x: number, y: number) => pixels[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
  let r = 0;
  for (let i = 0; i < w + 2; i++) ring[r++] = at(x0 - 1 + i, y0 - 1);
  for (let i = 0; i < w + 2; i++) ring[r++] = at(x0 - 1 + i, y1);
  for (let i = 0; i < h + 2; i++) ring[r++] = at(x0 - 1, y0 - 1 + i);
  for (let i = 0; i < h + 2; i++) ring[r++] = at(x1, y0 - 1 + i);
  const key = `${width}x${height}:${x0},${y0},${x1},${y1}:${value}`;
  const hit = cache.get(key);
  if (hit && equalBytes(hit.ring, ring)) {
    cache.hits++;
    for (let y = 0; y < h; y++) pixels.set(hit.patch.subarray(y * w, (y + 1) * w), (y0 + y) * width + x0);
    return;
  }
  cache.misses++;
  inpaintBox(img, x0, y0, x1, y1, value);
  const patch = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) patch.set(pixels.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * w);
  cache.set(key, ring, patch);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Box-filter a border line (window clipped at the ends) so single bright speckles and
 * ruler ticks do not streak across the fill. Prefix sums: the radius grows with the box,
 * and this runs for every box of every frame.
 */
function smooth(line: Float32Array, radius: number): Float32Array<ArrayBuffer> {
  const n = line.length;
  const sums = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sums[i + 1] = sums[i]! + line[i]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - radius);
    const hi = Math.min(n - 1, i + radius);
    out[i] = (sums[hi + 1]! - sums[lo]!) / (hi - lo + 1);
  }
  return out;
}

/**
 * Coons patch over [x0, x1) x [y0, y1) from the ring just outside it. A side that
 * falls off the image takes the opposite side's values (or `value` when both do).
 */
function inpaintBox(img: GrayImage, x0: number, y0: number, x1: number, y1: number, value: number): void {
  const { width, height, pixels } = img;
  const w = x1 - x0;
  const h = y1 - y0;
  const hasTop = y0 > 0;
  const hasBottom = y1 < height;
  const hasLeft = x0 > 0;
  const hasRight = x1 < width;
  // Border lines include the corners (length w + 2 and h + 2), sampled from clamped coordinates.
  const at = (x: number, y: number) => pixels[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
  const line = (n: number, f: (i: number) => number): Float32Array<ArrayBuffer> => {
    const l = new Float32Array(n);
    for (let i = 0; i < n; i++) l[i] = f(i);
    return l;
  };
  let top = hasTop ? line(w + 2, (i) => at(x0 - 1 + i, y0 - 1)) : undefined;
  let bottom = hasBottom ? line(w + 2, (i) => at(x0 - 1 + i, y1)) : undefined;
  let left = hasLeft ? line(h + 2, (i) => at(x0 - 1, y0 - 1 + i)) : undefined;
  let right = hasRight ? line(h + 2, (i) => at(x1, y0 - 1 + i)) : undefined;
  if (!top && !bottom && !left && !right) {
    for (let y = y0; y < y1; y++) pixels.fill(value, y * width + x0, y * width + x1);
    return;
  }
  // Smoothing grows with the box: a tall box's ring can cross ruler ticks or the edge of
  // the moving image, and a 2 px filter would carry those into the fill as streaks.
  const radius = Math.max(2, Math.round(Math.min(w, h) / 3));
  top = top && smooth(top, radius);
  bottom = bottom && smooth(bottom, radius);
  left = left && smooth(left, radius);
  right = right && smooth(right, radius);
  // Missing sides: mirror the opposite one, or a constant from the sides that exist.
  const mean = (l?: Float32Array) => (l ? l.reduce((s, v) => s + v, 0) / l.length : undefined);
  const fallback = [top, bottom, left, right].map(mean).filter((v): v is number => v !== undefined);
  const flat = fallback.reduce((s, v) => s + v, 0) / fallback.length;
  const T = top ?? bottom ?? new Float32Array(w + 2).fill(flat);
  const B = bottom ?? top ?? new Float32Array(w + 2).fill(flat);
  const L = left ?? right ?? new Float32Array(h + 2).fill(flat);
  const R = right ?? left ?? new Float32Array(h + 2).fill(flat);
  const tl = (T[0]! + L[0]!) / 2;
  const tr = (T[w + 1]! + R[0]!) / 2;
  const bl = (B[0]! + L[h + 1]!) / 2;
  const br = (B[w + 1]! + R[h + 1]!) / 2;
  // The Coons patch (1-v)T + vB + (1-u)L + uR - bilinear(corners), regrouped so that a
  // pixel costs three multiply-adds: P[i] + v Q[i] + L[j] + u[i] (R[j] - L[j]).
  const P = new Float64Array(w + 1);
  const Q = new Float64Array(w + 1);
  const U = new Float64Array(w + 1);
  for (let i = 1; i <= w; i++) {
    const u = i / (w + 1);
    const ct = tl + u * (tr - tl);
    const cb = bl + u * (br - bl);
    U[i] = u;
    P[i] = T[i]! - ct;
    Q[i] = B[i]! - T[i]! - (cb - ct);
  }
  for (let j = 1; j <= h; j++) {
    const v = j / (h + 1);
    const l = L[j]!;
    const dlr = R[j]! - l;
    const row = (y0 + j - 1) * width + x0 - 1;
    for (let i = 1; i <= w; i++) {
      const p = P[i]! + v * Q[i]! + l + U[i]! * dlr;
      pixels[row + i] = p <= 0 ? 0 : p >= 255 ? 255 : (p + 0.5) | 0;
    }
  }
}
