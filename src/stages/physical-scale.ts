/**
 * physical-scale — resample every frame whose pixel spacing is known to one fixed spacing,
 * so that a vein is the same number of pixels wide on every scanner, depth and capture.
 *
 * Consumes: `frame` events (the spacing comes from `meta.pixelSpacingMm`: DICOM ultrasound
 *   regions, the phantom's own spacing). Emits: `frame` events resampled to `mmPerPx`
 *   (their size changes, so put `crop-pad` after it); other events pass through.
 * Parameters:
 *   mmPerPx     the spacing to resample to, mm per pixel (default 0.085: the median of the
 *               phantom the shipped model learned from; crop-pad 600 and resize 150 then give
 *               the model 0.34 mm per pixel)
 *   maxFactor   the largest up- or down-scaling done (default 4); a frame further off keeps
 *               its own scale, with a warning
 * Notes: frames with no known spacing pass unchanged, with one warning per exam, and their
 *   predictions carry no `pixelSpacingMm` (the scale is unknown). Boxes in labels and meta
 *   follow the resampling. docs/verdict-runs/2026-12-08-physical-scale-rule.md has the measurement.
 *
 * ```yaml
 * - type: physical-scale
 *   mmPerPx: 0.085
 * ```
 */
import { z } from 'zod';
import { defineStage } from '../core/unit.js';
import { mapFrames } from './map-frames.js';
import { scaleFrame } from './scale-frame.js';
import { warnOncePerExam } from './warn-once-per-exam.js';

const schema = z
  .object({
    mmPerPx: z
      .number()
      .gt(0)
      .max(10)
      .default(0.085)
      .describe('Spacing to resample every frame to, mm per pixel (the phantom median the shipped model learned from).'),
    maxFactor: z.number().min(1).max(16).default(4).describe('Largest resampling factor; a frame further from mmPerPx keeps its own scale, with a warning.'),
  })
  .strict();

export const physicalScaleStage = defineStage({
  type: 'physical-scale',
  events: { needs: ['frame'] },
  summary: 'Resample frames of known pixel spacing to a fixed mm per pixel, so anatomy has one size on every scanner.',
  schema,
  example: { type: 'physical-scale', mmPerPx: 0.085 },
  async check(_config, _ctx, upstream) {
    // The output size depends on each frame's spacing.
    return { shape: { ...upstream, frameSize: undefined } };
  },
  build(config, ctx) {
    const warnOnce = warnOncePerExam(ctx);
    return mapFrames((frame) => {
      const spacing = frame.meta.pixelSpacingMm;
      const examId = frame.source.examId;
      if (!spacing) {
        warnOnce(examId, 'pixel spacing unknown (no ultrasound region gives it): frames keep their own scale, and predictions say so');
        return frame;
      }
      const fx = spacing.x / config.mmPerPx;
      const fy = spacing.y / config.mmPerPx;
      const off = (f: number) => f > config.maxFactor || f < 1 / config.maxFactor;
      if (off(fx) || off(fy)) {
        warnOnce(
          examId,
          `pixel spacing ${spacing.x.toPrecision(3)} x ${spacing.y.toPrecision(3)} mm is more than ${config.maxFactor}x from ${config.mmPerPx} mm: frames keep their own scale`,
        );
        return frame;
      }
      const outW = Math.max(1, Math.round(frame.width * fx));
      const outH = Math.max(1, Math.round(frame.height * fy));
      if (outW === frame.width && outH === frame.height) return frame;
      return scaleFrame(frame, outW, outH, { x: (spacing.x * frame.width) / outW, y: (spacing.y * frame.height) / outH });
    });
  },
});
