/**
 * What the OCR engine sees: one area of the frame, upscaled (bilinear), inverted for
 * light-on-dark screen text, with pixels known to move (the ultrasound image, not an
 * overlay) set to the background so tesseract neither reads speckle as letters nor
 * spends time on it.
 */
import type { Box } from '../events.js';
import type { GrayImage } from './fill.js';

export interface OcrImageOptions {
  /** Upscale factor (tesseract reads best with letters 20-30 px high). */
  scale: number;
  /** Invert gray levels (white-on-black screen text becomes black-on-white). */
  invert: boolean;
  /** Cells set to 1 in this grid (cells of `step` x `step` pixels) are set to the background (black before inversion). */
  blank?: { map: Uint8Array; step: number; gridWidth: number };
}

/** The prepared image plus how to map its coordinates back to the frame. */
export interface OcrImage extends GrayImage {
  /** Frame area it shows. */
  area: Box;
  scale: number;
}

export function prepareOcrImage(frame: GrayImage, area: Box, options: OcrImageOptions): OcrImage {
  const { scale, invert, blank } = options;
  // Work on the area first (blanking at frame resolution), then scale.
  const aw = area.width;
  const ah = area.height;
  const src = new Uint8Array(aw * ah);
  for (let y = 0; y < ah; y++) {
    const fy = area.y + y;
    const row = fy * frame.width + area.x;
    if (blank) {
      const cells = Math.floor(fy / blank.step) * blank.gridWidth;
      for (let x = 0; x < aw; x++) src[y * aw + x] = blank.map[cells + Math.floor((area.x + x) / blank.step)] === 1 ? 0 : frame.pixels[row + x]!;
    } else {
      src.set(frame.pixels.subarray(row, row + aw), y * aw);
    }
  }
  const width = Math.max(1, Math.round(aw * scale));
  const height = Math.max(1, Math.round(ah * scale));
  const out = new Uint8Array(width * height);
  const inv = invert ? 255 : 0;
  const sign = invert ? -1 : 1;
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(aw - 1, Math.max(0, (x + 0.5) / scale - 0.5));
    xs0[x] = Math.floor(sx);
    xs1[x] = Math.min(aw - 1, xs0[x]! + 1);
    fxs[x] = sx - xs0[x]!;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(ah - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(ah - 1, y0 + 1);
    const fy = sy - y0;
    const r0 = y0 * aw;
    const r1 = y1 * aw;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = xs0[x]!;
      const x1 = xs1[x]!;
      const fx = fxs[x]!;
      const top = src[r0 + x0]! + (src[r0 + x1]! - src[r0 + x0]!) * fx;
      const bottom = src[r1 + x0]! + (src[r1 + x1]! - src[r1 + x0]!) * fx;
      out[o + x] = inv + sign * Math.round(top + (bottom - top) * fy);
    }
  }
  return { width, height, pixels: out, area, scale };
}

/** Binary PGM (P5): the simplest format Leptonica reads, no compression to pay for. */
export function encodePgm(img: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
  const out = new Uint8Array(header.length + img.pixels.length);
  out.set(header, 0);
  out.set(img.pixels, header.length);
  return out;
}
