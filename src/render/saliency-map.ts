/**
 * Saliency heatmaps (Grad-CAM, as in the paper's Fig. 2) as predictions may carry
 * them: `prediction.saliency = { width, height, data }` with data in [0, 1]
 * (Float32Array) or 0..255 (Uint8Array). Predictions without one draw nothing.
 */
import { resizeGray } from '../image/area-resize.js';
import type { PipelineEvent } from '../core/events.js';
import type { RgbImage } from './rgb-image.js';

export interface SaliencyMap {
  width: number;
  height: number;
  data: Float32Array | Uint8Array;
}

/** The heatmap an event carries, if any (only predictions do; the field is optional). */
export function saliencyOf(event: PipelineEvent): SaliencyMap | undefined {
  if (event.kind !== 'prediction') return undefined;
  const s: SaliencyMap | undefined = event.saliency;
  if (!s || !(s.width > 0) || !(s.height > 0) || !s.data || s.data.length < s.width * s.height) return undefined;
  return s;
}

/** The heatmap as 8-bit gray (0 = not salient, 255 = most salient). */
export function saliencyToGray(map: SaliencyMap): Uint8Array {
  const n = map.width * map.height;
  if (map.data instanceof Uint8Array) return map.data.subarray(0, n);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(Math.max(0, Math.min(1, map.data[i]!)) * 255);
  return out;
}

/** A jet-like colour map: blue (0) -> cyan -> yellow -> red (255). */
export function heatColor(v: number): [number, number, number] {
  const t = v / 255;
  const r = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 3)));
  const g = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 2)));
  const b = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 1)));
  return [r * 255, g * 255, b * 255];
}

/**
 * Blend the heatmap over the image region (x, y, w, h); the blend weight grows with
 * saliency so cold areas stay readable.
 */
export function blendSaliency(img: RgbImage, map: SaliencyMap, x: number, y: number, w: number, h: number, strength = 0.5): void {
  const heat = resizeGray({ width: map.width, height: map.height, pixels: saliencyToGray(map) }, w, h).pixels;
  for (let py = 0; py < h; py++) {
    const iy = y + py;
    if (iy < 0 || iy >= img.height) continue;
    for (let px = 0; px < w; px++) {
      const ix = x + px;
      if (ix < 0 || ix >= img.width) continue;
      const v = heat[py * w + px]!;
      const a = strength * (0.25 + 0.75 * (v / 255));
      const [r, g, b] = heatColor(v);
      const o = (iy * img.width + ix) * 3;
      img.data[o] = img.data[o]! + (r - img.data[o]!) * a;
      img.data[o + 1] = img.data[o + 1]! + (g - img.data[o + 1]!) * a;
      img.data[o + 2] = img.data[o + 2]! + (b - img.data[o + 2]!) * a;
    }
  }
}
