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
  /** Pixels for which this returns true are set to the background (black before inversion). */
  blank?: (x: number, y: number) => boolean;
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
      for (let x = 0; x < aw; x++) src[y * aw + x] = blank(area.x + x, fy) ? 0 : frame.pixels[row + x]!;
    } else {
      src.set(frame.pixels.subarray(row, row + aw), y * aw);
    }
  }
  const width = Math.max(1, Math.round(aw * scale));
  const height = Math.max(1, Math.round(ah * scale));
  const out = new Uint8Array(width * height);
  const inv = invert ? 255 : 0;
  const sign = invert ? -1 : 1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(ah - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(ah - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(aw - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(aw - 1, x0 + 1);
      const fx = sx - x0;
      const top = src[y0 * aw + x0]! * (1 - fx) + src[y0 * aw + x1]! * fx;
      const bottom = src[y1 * aw + x0]! * (1 - fx) + src[y1 * aw + x1]! * fx;
      out[y * width + x] = inv + sign * Math.round(top * (1 - fy) + bottom * fy);
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
