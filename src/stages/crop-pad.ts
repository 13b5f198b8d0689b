/**
 * crop-pad — pad or crop every frame to a fixed size (default 600x600, as in the paper).
 *
 * Consumes: `frame` events of any size.
 * Emits:    `frame` events of exactly `size` x `size` (or width x height); other events pass through.
 * Parameters:
 *   size     output width and height (default 600); or `width` / `height` separately
 *   centre   `frame` (centre of the frame) or `us-region` (centre of the DICOM B-mode region
 *            when the frame meta knows it, else the frame centre); default `us-region`
 *   cropToRegion  blank everything outside the known B-mode region first (removes vendor UI
 *            and its burned-in text without OCR); default true
 *   fill     gray value for padding (default 0)
 * Notes: the centre pixel is preserved; pixel spacing and the region box are updated.
 *
 * ```yaml
 * - type: crop-pad
 *   size: 600
 * ```
 */
import { z } from 'zod';
import { cropPad } from '../image/crop-or-pad.js';
import { defineStage } from '../core/unit.js';
import { mapFrames } from './map-frames.js';
import type { Box, FrameEvent } from '../core/events.js';

const schema = z
  .object({
    size: z.number().int().min(8).max(8192).default(600).describe('Output width and height in pixels (square).'),
    width: z.number().int().min(8).max(8192).optional().describe('Output width; overrides size.'),
    height: z.number().int().min(8).max(8192).optional().describe('Output height; overrides size.'),
    centre: z
      .enum(['frame', 'us-region'])
      .default('us-region')
      .describe('Centre on the frame, or on the ultrasound (B-mode) region when the frame meta has one.'),
    cropToRegion: z.boolean().default(true).describe('Fill everything outside the known B-mode region with `fill` before cropping.'),
    fill: z.number().int().min(0).max(255).default(0).describe('Gray value used for padding.'),
  })
  .strict();

export const cropPadStage = defineStage({
  type: 'crop-pad',
  events: { needs: ['frame'] },
  summary: 'Pad or crop every frame to a fixed size, centred on the frame or its ultrasound region.',
  schema,
  example: { type: 'crop-pad', size: 600 },
  async check(config, _ctx, upstream) {
    const width = config.width ?? config.size;
    const height = config.height ?? config.size;
    return { shape: { ...upstream, frameSize: { width, height } } };
  },
  build(config) {
    const outW = config.width ?? config.size;
    const outH = config.height ?? config.size;
    return mapFrames((frame) => cropPadFrame(frame, outW, outH, config));
  },
});

/** One frame of the stage: the crop itself plus the boxes moved with it. */
export function cropPadFrame(
  frame: FrameEvent,
  outW: number,
  outH: number,
  config: { centre: 'frame' | 'us-region'; cropToRegion: boolean; fill: number },
): FrameEvent {
  const region = frame.meta.usRegion;
  const useRegion = region && config.centre === 'us-region';
  const centreX = useRegion ? region.x + Math.floor(region.width / 2) : Math.floor(frame.width / 2);
  const centreY = useRegion ? region.y + Math.floor(region.height / 2) : Math.floor(frame.height / 2);
  // Copying only the region's pixels is the same as blanking outside it first, without a full-size copy.
  const within = region && config.cropToRegion ? region : undefined;
  const out = cropPad(frame, { width: outW, height: outH, centreX, centreY, fill: config.fill, within });
  const dx = Math.floor(outW / 2) - centreX;
  const dy = Math.floor(outH / 2) - centreY;
  const shift = <B extends Box>(b: B): B => ({ ...b, x: b.x + dx, y: b.y + dy });
  return {
    ...frame,
    width: outW,
    height: outH,
    pixels: out.pixels,
    labels: frame.labels?.textBoxes ? { ...frame.labels, textBoxes: frame.labels.textBoxes.map(shift) } : frame.labels,
    meta: {
      ...frame.meta,
      usRegion: region ? clipBox(shift(region), outW, outH) : undefined,
      redactions: frame.meta.redactions?.map(shift),
    },
  };
}

function clipBox(b: Box, w: number, h: number): Box {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(w, b.x + b.width);
  const y1 = Math.min(h, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
