/**
 * Crop or pad an 8-bit gray image to an exact size, centred on a chosen point.
 * The centre point lands on the output's centre pixel (floor(size/2)); pixels that
 * fall outside the source (or outside `within`, when given) are filled with `fill`.
 */
import type { Box } from '../core/events.js';

export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface CropPadOptions {
  width: number;
  height: number;
  /** Source pixel that becomes the output's centre; default the source centre. */
  centreX?: number;
  centreY?: number;
  fill?: number;
  /** Treat source pixels outside this box as outside the source (the same as blanking them first). */
  within?: Box;
  /** Reuse this buffer for the output when it has the right length. */
  out?: Uint8Array;
}

export function cropPad(src: GrayImage, opts: CropPadOptions): GrayImage {
  const { width: outW, height: outH } = opts;
  const fill = opts.fill ?? 0;
  const cx = Math.floor(opts.centreX ?? src.width / 2);
  const cy = Math.floor(opts.centreY ?? src.height / 2);
  const x0 = cx - Math.floor(outW / 2);
  const y0 = cy - Math.floor(outH / 2);
  const reused = opts.out && opts.out.length === outW * outH ? opts.out : undefined;
  const out = reused ?? new Uint8Array(outW * outH);
  // The source pixels that may be copied: [sx0, sx1) x [sy0, sy1).
  const w = opts.within;
  const sx0 = w ? Math.max(0, w.x) : 0;
  const sy0 = w ? Math.max(0, w.y) : 0;
  const sx1 = w ? Math.min(src.width, w.x + w.width) : src.width;
  const sy1 = w ? Math.min(src.height, w.y + w.height) : src.height;
  // Output rows and columns that have such a pixel: [rowStart, rowEnd) x [colStart, colEnd).
  const colStart = Math.max(0, sx0 - x0);
  const colEnd = Math.min(outW, sx1 - x0);
  const rowStart = Math.max(0, sy0 - y0);
  const rowEnd = Math.min(outH, sy1 - y0);
  // A new buffer is already zero: only a non-zero fill (or a reused buffer) needs writing.
  if (fill !== 0 || reused) out.fill(fill);
  const span = colEnd - colStart;
  if (span > 0) {
    for (let y = rowStart, s = (y0 + rowStart) * src.width + x0 + colStart; y < rowEnd; y++, s += src.width) {
      out.set(src.pixels.subarray(s, s + span), y * outW + colStart);
    }
  }
  return { width: outW, height: outH, pixels: out };
}
