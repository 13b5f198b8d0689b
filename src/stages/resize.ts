/**
 * resize — resample every frame to the model's input size (default 150x150, the
 * paper's 4x downsampling of 600x600).
 *
 * Consumes: `frame` events. Emits: `frame` events of `width` x `height`; others pass through.
 * Parameters:
 *   size            output width and height (default 150); or `width` / `height`
 * Notes: area averaging for downscaling (the exact block mean for integer factors),
 *   bilinear for upscaling. Boxes in labels/meta are scaled too.
 *
 * ```yaml
 * - type: resize
 *   size: 150
 * ```
 */
import { z } from 'zod';
import { defineStage } from '../core/unit.js';
import { mapFrames } from './map-frames.js';
import { scaleFrame } from './scale-frame.js';

const schema = z
  .object({
    size: z.number().int().min(1).max(8192).default(150).describe('Output width and height in pixels (square).'),
    width: z.number().int().min(1).max(8192).optional().describe('Output width; overrides size.'),
    height: z.number().int().min(1).max(8192).optional().describe('Output height; overrides size.'),
  })
  .strict();

export const resizeStage = defineStage({
  type: 'resize',
  events: { needs: ['frame'] },
  summary: 'Resample every frame to a fixed size (area averaging down, bilinear up).',
  schema,
  example: { type: 'resize', size: 150 },
  async check(config, _ctx, upstream) {
    return { shape: { ...upstream, frameSize: { width: config.width ?? config.size, height: config.height ?? config.size } } };
  },
  build(config) {
    const outW = config.width ?? config.size;
    const outH = config.height ?? config.size;
    return mapFrames((frame) => scaleFrame(frame, outW, outH));
  },
});
