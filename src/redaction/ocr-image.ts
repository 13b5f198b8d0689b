/**
 * What the OCR engine sees: one area of the frame, upscaled (bilinear), inverted for
 * light-on-dark screen text, with pixels known to move (the ultrasound image, not an
 * overlay) set to the background so tesseract neither reads speckle as letters nor
 * spends time on it.
 */
import type { Box } from '../core/events.js';
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

/** One frame area placed into a mosaic (position in mosaic pixels, after scaling). */
export interface OcrTile {
  area: Box;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A mosaic of frame areas: tesseract reads the text around static ink, not the whole frame. */
export interface OcrMosaic extends OcrImage {
  tiles: OcrTile[];
}

/** Mosaic pixels between tiles (a word never runs from one tile into the next). */
const TILE_GAP = 24;

/**
 * Stack several frame areas (each prepared as by `prepareOcrImage`) into one image,
 * one per row, separated by background: no two tiles share a text line, so tesseract
 * never joins words across tiles. `area` of the result is the bounding box of the
 * areas; words map back through `tiles` (see `frameBoxOf`).
 */
export function prepareOcrMosaic(frame: GrayImage, areas: readonly Box[], options: OcrImageOptions): OcrMosaic {
  const parts = areas.map((area) => prepareOcrImage(frame, area, options));
  const width = Math.max(...parts.map((p) => p.width)) + 2 * TILE_GAP;
  const tiles: OcrTile[] = [];
  let y = TILE_GAP;
  for (const p of parts) {
    tiles.push({ area: p.area, x: TILE_GAP, y, width: p.width, height: p.height });
    y += p.height + TILE_GAP;
  }
  const height = y;
  const pixels = new Uint8Array(width * height).fill(options.invert ? 255 : 0);
  parts.forEach((p, i) => {
    const t = tiles[i]!;
    for (let r = 0; r < p.height; r++) pixels.set(p.pixels.subarray(r * p.width, (r + 1) * p.width), (t.y + r) * width + t.x);
  });
  const x0 = Math.min(...areas.map((a) => a.x));
  const y0 = Math.min(...areas.map((a) => a.y));
  const area = {
    x: x0,
    y: y0,
    width: Math.max(...areas.map((a) => a.x + a.width)) - x0,
    height: Math.max(...areas.map((a) => a.y + a.height)) - y0,
  };
  return { width, height, pixels, area, scale: options.scale, tiles };
}

/**
 * A box in OCR image coordinates mapped back to the frame: through the image's area
 * and scale, or for a mosaic through the tile holding the box's centre (clipped to
 * it). Undefined when a mosaic box lies between tiles.
 */
export function frameBoxOf(
  b: { x0: number; y0: number; x1: number; y1: number },
  image: Pick<OcrImage, 'area' | 'scale'> & { tiles?: readonly OcrTile[] },
): Box | undefined {
  let { x0, y0, x1, y1 } = b;
  let origin = { x: image.area.x, y: image.area.y };
  if (image.tiles) {
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const t = image.tiles.find((t) => cx >= t.x && cx < t.x + t.width && cy >= t.y && cy < t.y + t.height);
    if (!t) return undefined;
    x0 = Math.max(t.x, x0) - t.x;
    y0 = Math.max(t.y, y0) - t.y;
    x1 = Math.min(t.x + t.width, x1) - t.x;
    y1 = Math.min(t.y + t.height, y1) - t.y;
    origin = { x: t.area.x, y: t.area.y };
  }
  const x = origin.x + Math.floor(x0 / image.scale);
  const y = origin.y + Math.floor(y0 / image.scale);
  return { x, y, width: origin.x + Math.ceil(x1 / image.scale) - x, height: origin.y + Math.ceil(y1 / image.scale) - y };
}
