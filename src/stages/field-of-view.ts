/**
 * field-of-view — cut a fixed physical field of view out of every frame, centred on its
 * B-mode region, and resample it to the model's input size in one pass: the vein is the
 * same number of model pixels wide on every scanner, depth and capture.
 *
 * It does what `physical-scale` + `crop-pad 600` + `resize 150` do, but from only the pixels of
 * the window, as an exact block mean by a whole factor and then a small resample of at most
 * 1.5x (the whole-screen resample of `physical-scale` cost 20-85 ms of CPU per frame;
 * bench/field-of-view.ts measures this one).
 *
 * Consumes: `frame` events (the spacing comes from `meta.pixelSpacingMm`: DICOM ultrasound
 *   regions, a labels sidecar, the phantom's own spacing).
 * Emits: `frame` events of exactly `size` x `size` (or width x height); other events pass through.
 * Parameters:
 *   size         output width and height in pixels (default 150, the model's input)
 *   width, height  the output's sides separately; override size
 *   mmPerPx      output spacing, mm per pixel (default 0.34: a 600-pixel window of the phantom
 *                the shipped model learned from, median 0.085 mm per screen pixel, made 150)
 *   unknownScaleWindow  the window, in screen pixels, for a frame whose spacing is unknown
 *                (default 600: then the stage equals crop-pad 600 + resize 150, bit for bit)
 *   maxFactor    the largest ratio between the physical window and unknownScaleWindow (default
 *                4); a frame further off gets a window of screen pixels, with a warning
 *   centre       `frame` or `us-region` (default `us-region`), as in crop-pad
 *   cropToRegion  blank everything outside the known B-mode region first (default true)
 *   fill         gray value for padding (default 0)
 * Notes: frames of unknown spacing get one warning per exam, and their predictions carry no
 *   `pixelSpacingMm` (the scale is unknown); a frame of known spacing too far off keeps its
 *   own scale (warned), and its predictions carry the spacing the model saw. Boxes in labels and meta follow the window and
 *   the resampling. docs/verdict-runs/2026-12-08-field-of-view-rule.md has the measurement.
 *
 * ```yaml
 * - type: field-of-view
 *   size: 150
 *   mmPerPx: 0.34
 * ```
 */
import { z } from 'zod';
import { defineStage } from '../core/unit.js';
import { cropPadFrame } from './crop-pad.js';
import { mapFrames } from './map-frames.js';
import { scaleFrame } from './scale-frame.js';
import { warnOncePerExam } from './warn-once-per-exam.js';
import type { FrameEvent } from '../core/events.js';

const schema = z
  .object({
    size: z.number().int().min(8).max(4096).default(150).describe('Output width and height in pixels (square).'),
    width: z.number().int().min(8).max(4096).optional().describe('Output width; overrides size.'),
    height: z.number().int().min(8).max(4096).optional().describe('Output height; overrides size.'),
    mmPerPx: z
      .number()
      .gt(0)
      .max(40)
      .default(0.34)
      .describe('Output spacing in mm per pixel; the window is size x mmPerPx mm (default: 600 px of the phantom the shipped model learned from).'),
    unknownScaleWindow: z
      .number()
      .int()
      .min(8)
      .max(16384)
      .default(600)
      .describe('Window in screen pixels for frames of unknown spacing (600: the same as crop-pad 600 + resize 150).'),
    maxFactor: z
      .number()
      .min(1)
      .max(16)
      .default(4)
      .describe('Largest ratio between the physical window and unknownScaleWindow; a frame further off is treated as of unknown scale.'),
    centre: z
      .enum(['frame', 'us-region'])
      .default('us-region')
      .describe('Centre on the frame, or on the ultrasound (B-mode) region when the frame meta has one.'),
    cropToRegion: z.boolean().default(true).describe('Fill everything outside the known B-mode region with `fill` before cutting the window.'),
    fill: z.number().int().min(0).max(255).default(0).describe('Gray value used for padding.'),
  })
  .strict();

export type FieldOfViewConfig = z.infer<typeof schema>;

export const fieldOfViewStage = defineStage({
  type: 'field-of-view',
  events: { needs: ['frame'] },
  summary: 'Cut a fixed physical field of view (mm) around the ultrasound region and resample only it to the model size.',
  schema,
  example: { type: 'field-of-view', size: 150, mmPerPx: 0.34 },
  async check(config, _ctx, upstream) {
    return { shape: { ...upstream, frameSize: { width: config.width ?? config.size, height: config.height ?? config.size } } };
  },
  build(config, ctx) {
    const warnOnce = warnOncePerExam(ctx);
    return mapFrames((frame) => {
      const window = fieldWindow(frame, config);
      if (window.unknownReason) warnOnce(frame.source.examId, window.unknownReason);
      return fieldOfViewFrame(frame, window, config);
    });
  },
});

/**
 * The window cut from one frame, in screen pixels, and why it is not a physical one (if it is
 * not). Its sides are `factor` times a whole number of pixels, so that the resample is a fast
 * exact block mean by `factor` followed by a small resample of at most 1.5x (the window's scale
 * moves by at most half a block: under 0.4% for a 150-pixel output).
 */
export interface FieldWindow {
  width: number;
  height: number;
  /** The block-mean factor: width / factor and height / factor are whole numbers. */
  factor: number;
  /** The frame's spacing when the window is physical; absent when it is taken in screen pixels. */
  spacing?: { x: number; y: number };
  unknownReason?: string;
}

export function fieldWindow(frame: FrameEvent, config: FieldOfViewConfig): FieldWindow {
  const outW = config.width ?? config.size;
  const outH = config.height ?? config.size;
  const fallbackW = Math.round((config.unknownScaleWindow * outW) / Math.max(outW, outH));
  const fallbackH = Math.round((config.unknownScaleWindow * outH) / Math.max(outW, outH));
  const spacing = frame.meta.pixelSpacingMm;
  if (!spacing) {
    return {
      ...blockAligned(fallbackW, fallbackH, outW, outH),
      unknownReason: 'pixel spacing unknown (no ultrasound region gives it): the window is taken in screen pixels, and predictions say the scale is unknown',
    };
  }
  const width = Math.max(1, Math.round((outW * config.mmPerPx) / spacing.x));
  const height = Math.max(1, Math.round((outH * config.mmPerPx) / spacing.y));
  const ratio = Math.max(width / fallbackW, fallbackW / width, height / fallbackH, fallbackH / height);
  if (ratio > config.maxFactor) {
    return {
      ...blockAligned(fallbackW, fallbackH, outW, outH),
      unknownReason:
        `pixel spacing ${spacing.x.toPrecision(3)} x ${spacing.y.toPrecision(3)} mm would need a window ${width}x${height}, ` +
        `more than ${config.maxFactor}x from ${fallbackW}x${fallbackH}: the window is taken in screen pixels, so the model sees this exam at another scale`,
    };
  }
  return { ...blockAligned(width, height, outW, outH), spacing };
}

/** A window of about width x height whose sides are multiples of the block-mean factor. */
function blockAligned(width: number, height: number, outW: number, outH: number): { width: number; height: number; factor: number } {
  const factor = Math.max(1, Math.round(Math.min(width / outW, height / outH)));
  return { width: factor * Math.max(1, Math.round(width / factor)), height: factor * Math.max(1, Math.round(height / factor)), factor };
}

/**
 * One frame of the stage: cut the window (crop-pad's crop, boxes moved with it), block-mean it
 * by the window's factor, then resample the rest of the way (nothing to do when the window is
 * the factor times the output, as the unknown-scale 600 is for 150).
 */
export function fieldOfViewFrame(frame: FrameEvent, window: FieldWindow, config: FieldOfViewConfig): FrameEvent {
  const outW = config.width ?? config.size;
  const outH = config.height ?? config.size;
  const cut = cropPadFrame(frame, window.width, window.height, config);
  const reduced = window.factor > 1 ? scaleFrame(cut, window.width / window.factor, window.height / window.factor) : cut;
  const spacingOut = window.spacing ? { x: (window.spacing.x * window.width) / outW, y: (window.spacing.y * window.height) / outH } : undefined;
  // A window of screen pixels keeps the frame's own spacing (scaled with it) when one is known.
  return scaleFrame(reduced, outW, outH, spacingOut);
}
