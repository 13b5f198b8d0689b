/**
 * A frame resampled to `outW` x `outH` (area averaging down, bilinear up), with everything
 * in it that is measured in pixels following: label text boxes, the B-mode region, the
 * redactions and the pixel spacing. Used by `resize` and `physical-scale`.
 */
import { resizeGray } from '../image/area-resize.js';
import type { Box, FrameEvent } from '../core/events.js';

export function scaleFrame(frame: FrameEvent, outW: number, outH: number, spacingOut?: { x: number; y: number }): FrameEvent {
  const sx = outW / frame.width;
  const sy = outH / frame.height;
  const scale = <B extends Box>(b: B): B => ({
    ...b,
    x: Math.round(b.x * sx),
    y: Math.round(b.y * sy),
    width: Math.round(b.width * sx),
    height: Math.round(b.height * sy),
  });
  const out = resizeGray(frame, outW, outH);
  const spacing = frame.meta.pixelSpacingMm;
  return {
    ...frame,
    width: outW,
    height: outH,
    pixels: out.pixels,
    labels: frame.labels?.textBoxes ? { ...frame.labels, textBoxes: frame.labels.textBoxes.map(scale) } : frame.labels,
    meta: {
      ...frame.meta,
      pixelSpacingMm: spacingOut ?? (spacing ? { x: spacing.x / sx, y: spacing.y / sy } : undefined),
      usRegion: frame.meta.usRegion ? scale(frame.meta.usRegion) : undefined,
      redactions: frame.meta.redactions?.map(scale),
    },
  };
}
