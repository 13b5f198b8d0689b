/**
 * The frames a labeller sees: one loop read by its source unit (`dicom-cine` or
 * `video-file`) and passed through the project's own `text-removal` stage, so no
 * burned-in text (names, ids, dates) reaches the page; each frame is PNG-encoded
 * once and kept with its presentation time. Labels in the file's sidecar are not
 * attached (the labeller reads them itself) and no patient attribute is kept.
 */
import { parsePipeline, requireValid } from '../core/config/load-pipeline.js';
import { runPipeline } from '../pipeline.js';
import { sourceTypeFor } from '../batch/exam-input.js';
import { formatError, InputError } from '../core/errors.js';
import { encodeGrayPng } from '../render/encode-png.js';
import type { TextOut } from '../core/context.js';
import type { PipelineEvent } from '../core/events.js';
import type { FramePrediction } from './loop-predictions.js';

export interface LoopFrames {
  width: number;
  height: number;
  /** Frames per second the loop was recorded at (from the file; else from the timestamps). */
  fps: number;
  /** Presentation time of each frame, ms from the first. */
  ptsMs: number[];
  /** PNG of each text-removed frame. */
  png: Buffer[];
  /** The model's predictions per frame (pre-labels), when asked for. */
  predictions?: (FramePrediction | undefined)[];
  /** Why there are no predictions, when they were asked for and failed. */
  predictionError?: string;
}

export interface ReadLoopOptions {
  /** The text-removal stage's configuration (`{ type: 'text-removal', ... }`). */
  textRemoval: Record<string, unknown>;
  /** Folder relative paths in the configuration resolve against (the pipeline file's). */
  baseDir: string;
  signal?: AbortSignal;
  /** Pre-labels: the model's predictions from the text-removed events (loop-predictions.ts). */
  predict?: (events: PipelineEvent[]) => Promise<(FramePrediction | undefined)[]>;
}

const quiet: TextOut = { write: () => true };

/** Decode a loop, remove its burned-in text and encode its frames (seconds for a long loop: OCR). */
export async function readLoopFrames(file: string, options: ReadLoopOptions): Promise<LoopFrames> {
  const type = sourceTypeFor(file);
  if (!type) throw new InputError(`${file}: not a DICOM or video file`, { scope: 'label' });
  const config = requireValid(
    parsePipeline(
      JSON.stringify({
        source: { type, path: file, labels: false },
        stages: [options.textRemoval],
        sinks: [{ type: 'console', intervalMs: 0, warnings: false }],
      }),
      { env: {}, baseDir: options.baseDir },
    ),
  );
  const png: Buffer[] = [];
  const ptsMs: number[] = [];
  let width = 0;
  let height = 0;
  let declaredFps: number | undefined;
  let firstPts: number | undefined;
  // Kept only while the model runs on them (pixels of the whole loop).
  const events: PipelineEvent[] = [];
  await runPipeline(config, {
    baseDir: options.baseDir,
    signal: options.signal,
    stdout: quiet,
    stderr: quiet,
    tap: (event) => {
      if (options.predict && (event.kind === 'frame' || event.kind === 'exam-start' || event.kind === 'exam')) events.push(event);
      if (event.kind === 'exam-start' && event.fps) declaredFps = event.fps;
      if (event.kind !== 'frame') return;
      width = event.width;
      height = event.height;
      png.push(encodeGrayPng(event.pixels, event.width, event.height));
      firstPts ??= event.ptsMs;
      ptsMs.push(event.ptsMs - firstPts);
    },
  });
  if (png.length === 0) throw new InputError(`${file}: no frames could be read`, { scope: 'label' });
  const loop: LoopFrames = { width, height, fps: declaredFps ?? fpsFromTimes(ptsMs), ptsMs, png };
  if (options.predict) {
    try {
      loop.predictions = await options.predict(events);
    } catch (err) {
      loop.predictionError = formatError(err, { oneLine: true });
    }
  }
  return loop;
}
/** Frames per second from presentation times (median gap); 30 when there is one frame. */
export function fpsFromTimes(ptsMs: readonly number[]): number {
  const gaps = ptsMs
    .slice(1)
    .map((t, i) => t - ptsMs[i]!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return 30;
  return 1000 / gaps[Math.floor(gaps.length / 2)]!;
}
