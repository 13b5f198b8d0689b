/**
 * Box arithmetic for text masks: clip, pad, and merge into disjoint boxes. Pure functions over plain boxes (frame pixel coordinates).
 */
import type { Box } from '../core/events.js';

/** A box to remove, with the OCR confidence that put it there (0..1; absent for region fills). */
export interface MaskBox extends Box {
  confidence?: number;
  /** Recognised text; only carried when the pipeline asks for it (`exposeText`). */
  text?: string;
}

export function boxArea(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

export function clipBox<B extends Box>(b: B, area: Box): B {
  const x0 = Math.max(area.x, b.x);
  const y0 = Math.max(area.y, b.y);
  const x1 = Math.min(area.x + area.width, b.x + b.width);
  const y1 = Math.min(area.y + area.height, b.y + b.height);
  return { ...b, x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

export function padBox<B extends Box>(b: B, pad: number): B {
  return { ...b, x: b.x - pad, y: b.y - pad, width: b.width + 2 * pad, height: b.height + 2 * pad };
}

/** True when the boxes overlap or lie within `gap` pixels of each other. */
export function boxesNear(a: Box, b: Box, gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Merge boxes that overlap or come within `gap` pixels into their bounding box,
 * until no two are near. The result is disjoint with at least `gap` pixels between
 * boxes — which is what makes the inpaint fill idempotent (no box's border ring
 * lies inside another box). Confidence of a merged box is the highest of its parts.
 */
export function mergeBoxes(boxes: readonly MaskBox[], gap = 2): MaskBox[] {
  const out: MaskBox[] = boxes.filter((b) => b.width > 0 && b.height > 0).map((b) => ({ ...b }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!;
        const b = out[j]!;
        if (!boxesNear(a, b, gap)) continue;
        const x0 = Math.min(a.x, b.x);
        const y0 = Math.min(a.y, b.y);
        const conf = a.confidence === undefined ? b.confidence : b.confidence === undefined ? a.confidence : Math.max(a.confidence, b.confidence);
        const text = a.text !== undefined || b.text !== undefined ? [...new Set([a.text, b.text].filter(Boolean))].join(' ') : undefined;
        out[i] = {
          x: x0,
          y: y0,
          width: Math.max(a.x + a.width, b.x + b.width) - x0,
          height: Math.max(a.y + a.height, b.y + b.height) - y0,
          ...(conf === undefined ? {} : { confidence: conf }),
          ...(text === undefined ? {} : { text }),
        };
        out.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return out;
}

/** The parts of `frame` outside `region`, as up to four strips (top, bottom, left, right). */
export function outsideStrips(frameWidth: number, frameHeight: number, region: Box): Box[] {
  const r = clipBox(region, { x: 0, y: 0, width: frameWidth, height: frameHeight });
  const strips: Box[] = [
    { x: 0, y: 0, width: frameWidth, height: r.y },
    { x: 0, y: r.y + r.height, width: frameWidth, height: frameHeight - r.y - r.height },
    { x: 0, y: r.y, width: r.x, height: r.height },
    { x: r.x + r.width, y: r.y, width: frameWidth - r.x - r.width, height: r.height },
  ];
  return strips.filter((s) => s.width > 0 && s.height > 0);
}
