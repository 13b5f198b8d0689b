/**
 * sliding-window — turn frames into the model's input: the last `size` frames of an
 * exam as one Float32 block in layout [N=1, C=1, T, H, W], values pixel/255.
 *
 * Consumes: `frame` events (all the same size; resize first).
 * Emits:    every incoming event unchanged, plus a `window` event after each frame that
 *           completes a window (the first after `size` frames, then every `step` frames).
 * Parameters:
 *   size         frames per window (default 9, the paper's stack)
 *   step         frames between windows (default 1)
 *   maxGapFrames  largest run of missing seqs (dropped frames) a window may span (default 2)
 *   onGap        `reset`: a larger gap starts a fresh window (a warning says so);
 *                `error`: a larger gap fails the run (default reset)
 * Notes: windows never span two exams; `window.seqs` lists the frames it covers, so a
 *   gap a window bridges is visible downstream. A window keeps its frames as 8-bit planes
 *   (`windowFrames`) and builds `data` only when something reads it: onnx-inference reads
 *   the planes, so a frame is copied once instead of converted to floats in every window.
 *
 * ```yaml
 * - type: sliding-window
 *   size: 9
 * ```
 */
import { defer, mergeMap, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { AutodvtError, InputError } from '../core/errors.js';
import { defineStage } from '../core/unit.js';
import type { BuildContext } from '../core/context.js';
import type { FrameEvent, PipelineEvent, WindowEvent } from '../core/events.js';

const schema = z
  .object({
    size: z.number().int().min(1).max(256).default(9).describe('Frames per window (the paper uses 9).'),
    step: z.number().int().min(1).max(256).default(1).describe('Frames between consecutive windows.'),
    maxGapFrames: z.number().int().min(0).default(2).describe('Largest run of missing frames (dropped seqs) that a window may span.'),
    onGap: z.enum(['reset', 'error']).default('reset').describe('What a larger gap does: start a fresh window (with a warning) or fail the run.'),
  })
  .strict();

export type SlidingWindowConfig = z.infer<typeof schema>;

export const slidingWindowStage = defineStage({
  type: 'sliding-window',
  events: { needs: ['frame'], adds: ['window'] },
  summary: 'Stack the last N frames of an exam into a model-ready Float32 window [1, 1, T, H, W].',
  schema,
  example: { type: 'sliding-window', size: 9, step: 1 },
  async check(config, _ctx, upstream) {
    const problems = [];
    const fs = upstream.frameSize;
    if (!fs) {
      problems.push({
        message: 'frame size is not fixed upstream: put a crop-pad and a resize stage before sliding-window',
        severity: 'warning' as const,
      });
    }
    return {
      problems,
      shape: { ...upstream, windowShape: fs ? [1, 1, config.size, fs.height, fs.width] : undefined },
    };
  },
  build: (config, ctx) => slidingWindow(config, ctx),
});

/** The operator itself (state per subscription). */
export function slidingWindow(config: SlidingWindowConfig, ctx?: Pick<BuildContext, 'warn'>): OperatorFunction<PipelineEvent, PipelineEvent> {
  return (source) =>
    defer(() => {
      const assembler = new WindowAssembler(config, ctx);
      return source.pipe(mergeMap((event) => assembler.push(event)));
    });
}

/** Keeps the newest `size` frames of the current exam; one per subscription. */
export class WindowAssembler {
  private frames: FrameEvent[] = [];
  /** Copies of the frames' pixels, parallel to `frames`: a window may wait in a batch long after its frames moved on. */
  private planes: Uint8Array[] = [];
  private sinceReset = 0;
  private examId: string | undefined;

  constructor(
    private readonly config: SlidingWindowConfig,
    private readonly ctx?: Pick<BuildContext, 'warn'>,
  ) {}

  push(event: PipelineEvent): PipelineEvent[] {
    if (event.kind === 'exam-start') {
      this.reset(event.examId);
      return [event];
    }
    if (event.kind !== 'frame') return [event];
    if (event.source.examId !== this.examId) this.reset(event.source.examId);
    const last = this.frames[this.frames.length - 1];
    if (last) {
      if (event.width !== last.width || event.height !== last.height) {
        throw new InputError(
          `frame ${event.seq} is ${event.width}x${event.height} but the window holds ${last.width}x${last.height} frames; put crop-pad and resize before sliding-window`,
          { scope: 'stage:sliding-window' },
        );
      }
      const missing = event.seq - last.seq - 1;
      if (missing > this.config.maxGapFrames) {
        const message = `${missing} frames missing before seq ${event.seq} (more than maxGapFrames=${this.config.maxGapFrames})`;
        if (this.config.onGap === 'error') throw new AutodvtError(message, { scope: 'stage:sliding-window' });
        this.ctx?.warn(`${message}: starting a fresh window`, { examId: this.examId, seq: event.seq });
        this.reset(this.examId);
      }
    }
    this.frames.push(event);
    this.planes.push(event.pixels.slice(0, event.width * event.height));
    if (this.frames.length > this.config.size) {
      this.frames.shift();
      this.planes.shift();
    }
    this.sinceReset++;
    const { size, step } = this.config;
    if (this.sinceReset >= size && (this.sinceReset - size) % step === 0) return [event, this.window()];
    return [event];
  }

  private reset(examId: string | undefined): void {
    this.frames = [];
    this.planes = [];
    this.sinceReset = 0;
    this.examId = examId;
  }

  private window(): WindowEvent {
    const newest = this.frames[this.frames.length - 1]!;
    const { width, height } = newest;
    const planes: readonly Uint8Array[] = this.planes.slice();
    let data: Float32Array | undefined;
    const window: WindowEvent = {
      kind: 'window',
      seq: newest.seq,
      ptsMs: newest.ptsMs,
      captureTimeMs: newest.captureTimeMs,
      examId: newest.source.examId,
      seqs: this.frames.map((f) => f.seq),
      shape: [1, 1, this.config.size, height, width],
      // Built on first read (saliency, tests, a hand-written sink); a copy of the event
      // ({ ...window }) reads it and so carries plain data, without the planes.
      get data(): Float32Array {
        return (data ??= unitRangeWindow(planes));
      },
      set data(value: Float32Array) {
        data = value;
        framesOf.delete(window);
      },
      labels: newest.labels,
      ...(newest.meta.pixelSpacingMm ? { pixelSpacingMm: newest.meta.pixelSpacingMm } : {}),
    };
    framesOf.set(window, planes);
    return window;
  }
}

const framesOf = new WeakMap<WindowEvent, readonly Uint8Array[]>();

/**
 * The frames of a window built here, oldest first, as 8-bit planes of H*W pixels
 * (`window.data` holds exactly their pixel/255); read-only, since the windows that
 * share a frame share its plane. Undefined for any other window (written by hand,
 * copied, or given new data), which has only `data`.
 */
export function windowFrames(window: WindowEvent): readonly Uint8Array[] | undefined {
  return framesOf.get(window);
}

/** Frames (8-bit planes, oldest first) to the window layout [T, H, W] of pixel/255. */
function unitRangeWindow(planes: readonly Uint8Array[]): Float32Array {
  const plane = planes[0]?.length ?? 0;
  const data = new Float32Array(planes.length * plane);
  for (let t = 0; t < planes.length; t++) toUnitRange(data.subarray(t * plane, (t + 1) * plane), planes[t]!);
  return data;
}

/**
 * 8-bit pixels to floats in [0, 1], the one definition of a window's values (the model's
 * input table is built with it too). A plain loop over locals (a closure per frame ran it about 2x slower).
 */
export function toUnitRange(dst: Float32Array, px: Uint8Array): void {
  const inv = 1 / 255;
  const n = dst.length;
  for (let i = 0; i < n; i++) dst[i] = px[i]! * inv;
}
