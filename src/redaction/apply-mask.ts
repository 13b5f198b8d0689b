/**
 * Apply a text mask to one frame: fill everything outside the known ultrasound region,
 * then fill each mask box. Returns new pixels (the input is never modified) and the
 * redactions to record; a frame with nothing to remove keeps its pixel buffer.
 */
import type { Box, Redaction } from '../core/events.js';
import { clipBox, outsideStrips, type MaskBox } from './boxes.js';
import { fillBoxes, fillOutside, type FillMode, type GrayImage, type InpaintCache } from './fill.js';

export interface MaskToApply {
  /** Everything outside it is filled without OCR. */
  region?: Box;
  /** Disjoint boxes (from mergeBoxes), inside the region when there is one. */
  boxes: readonly MaskBox[];
  fill: FillMode;
  /** Gray value for black fills and outside the region. */
  fillValue: number;
  /** Keep recognised text in the redactions (off unless the pipeline asks). */
  exposeText: boolean;
  /** Name written into each redaction. */
  stage: string;
  /** Reuse inpainted boxes whose surroundings did not change since the last frame (same output). */
  fillCache?: InpaintCache;
}

export function applyMask(img: GrayImage, mask: MaskToApply): { pixels: Uint8Array; redactions: Redaction[] } {
  const frameBox = { x: 0, y: 0, width: img.width, height: img.height };
  const region = mask.region && clipBox(mask.region, frameBox);
  const strips = region ? outsideStrips(img.width, img.height, region) : [];
  const boxes = mask.boxes.map((b) => clipBox(b, region ?? frameBox)).filter((b) => b.width > 0 && b.height > 0);
  if (strips.length === 0 && boxes.length === 0) return { pixels: img.pixels, redactions: [] };
  const out: GrayImage = { width: img.width, height: img.height, pixels: img.pixels.slice() };
  if (region && strips.length) fillOutside(out, region, mask.fillValue);
  fillBoxes(out, boxes, mask.fill, mask.fillValue, mask.fillCache);
  const redactions: Redaction[] = [
    ...strips.map((s) => ({ ...s, stage: mask.stage })),
    ...boxes.map((b) => ({
      x: b.x,
      y: b.y,
      width: b.width,
      height: b.height,
      stage: mask.stage,
      ...(b.confidence === undefined ? {} : { confidence: b.confidence }),
      ...(mask.exposeText && b.text !== undefined ? { text: b.text } : {}),
    })),
  ];
  return { pixels: out.pixels, redactions };
}
