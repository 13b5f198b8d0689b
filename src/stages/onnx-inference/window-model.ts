/**
 * One ONNX session and one reusable input buffer: turns a batch of `window` events
 * into `prediction` events, in order. Used by the stage on its own (one exam) and by
 * the shared inference service of a batch run (windows of several exams in one call:
 * each window's prediction depends only on that window).
 */
import { AutodvtError } from '../../core/errors.js';
import { inputAffine, type ModelInfo } from '../../model/model-info.js';
import { toUnitRange, windowFrames } from '../sliding-window.js';
import type { InferenceSession } from 'onnxruntime-node';
import type { Clock } from '../../core/context.js';
import type { PredictionEvent, WindowEvent } from '../../core/events.js';
import { onnxruntime } from '../../model/onnxruntime.js';
import { inDistributionOf, sameFrame } from './in-distribution.js';

export class WindowModel {
  private readonly plane: number;
  private readonly buffer: Float32Array;
  private readonly input: WindowInput;

  constructor(
    private readonly session: InferenceSession,
    private readonly info: ModelInfo,
    readonly batchSize: number,
    private readonly clock: Clock,
  ) {
    this.plane = info.frames * info.height * info.width;
    this.buffer = new Float32Array(batchSize * this.plane);
    this.input = new WindowInput(info);
  }

  /** Run a batch (at most batchSize windows); an empty list runs one all-zero window (warm-up). */
  async run(windows: WindowEvent[]): Promise<PredictionEvent[]> {
    const { info } = this;
    const n = Math.max(1, windows.length);
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      checkWindowFits(info, w);
      this.input.write(this.buffer.subarray(i * this.plane, (i + 1) * this.plane), w);
    }
    if (windows.length === 0) this.buffer.fill(this.input.b, 0, this.plane);
    const ort = await onnxruntime();
    const input = new ort.Tensor('float32', this.buffer.subarray(0, n * this.plane), [n, 1, info.frames, info.height, info.width]);
    const t0 = this.clock.monotonic();
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.session.run({ [info.inputName]: input });
    } catch (err) {
      throw new AutodvtError(`model run failed: ${(err as Error).message}`, { scope: 'stage:onnx-inference', cause: err });
    }
    const latencyMs = (this.clock.monotonic() - t0) / n;
    const landmark = outputs.landmark?.data as Float32Array | undefined;
    const vein = outputs.vein?.data as Float32Array | undefined;
    const score = info.inDistribution ? (outputs[info.inDistribution.output]?.data as Float32Array | undefined) : undefined;
    const li = (name: string) => info.landmarkClasses.indexOf(name);
    const closedIdx = info.veinClasses.indexOf('closed');
    return windows.map((w, i) => {
      const inDistribution = inDistributionOf(
        info,
        score?.[i],
        frozenNewest(w) ? ['frozen-frame'] : [],
        info.imageStatistics ? { pixels: newestFrame(w), width: info.width, height: info.height } : undefined,
      );
      return {
        kind: 'prediction',
        seq: w.seq,
        ptsMs: w.ptsMs,
        captureTimeMs: w.captureTimeMs,
        examId: w.examId,
        landmark: landmark
          ? { BG: landmark[i * 3 + li('BG')]!, LM1: landmark[i * 3 + li('LM1')]!, LM2: landmark[i * 3 + li('LM2')]! }
          : { BG: 1 / 3, LM1: 1 / 3, LM2: 1 / 3 },
        pClosed: vein ? vein[i * 2 + closedIdx]! : 0.5,
        modelId: info.modelId,
        latencyMs,
        labels: w.labels,
        ...(w.saliency ? { saliency: w.saliency } : {}),
        ...(inDistribution ? { inDistribution } : {}),
        ...(w.pixelSpacingMm ? { pixelSpacingMm: w.pixelSpacingMm } : {}),
      } satisfies PredictionEvent;
    });
  }
}

/** The window's newest frame is byte-identical to the one before it (a frozen or duplicated frame). */
export function frozenNewest(w: WindowEvent): boolean {
  const frames = windowFrames(w);
  if (frames) return frames.length >= 2 && sameFrame(frames[frames.length - 1], frames[frames.length - 2]);
  const t = w.shape[2];
  if (t < 2) return false;
  const plane = w.data.length / t;
  const a = w.data.subarray((t - 1) * plane, t * plane);
  const b = w.data.subarray((t - 2) * plane, (t - 1) * plane);
  for (let k = 0; k < plane; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The window's newest frame as 8-bit pixels (its own plane when sliding-window made it, else from `data`, which holds pixel / 255). */
export function newestFrame(w: WindowEvent): Uint8Array {
  const frames = windowFrames(w);
  if (frames) return frames[frames.length - 1]!;
  const t = w.shape[2];
  const plane = w.data.length / t;
  const px = new Uint8Array(plane);
  const from = (t - 1) * plane;
  for (let k = 0; k < plane; k++) px[k] = Math.round(w.data[from + k]! * 255);
  return px;
}

/** Throws (a config error) when the window does not fit the model input. */
export function checkWindowFits(info: ModelInfo, w: WindowEvent): void {
  const frames = windowFrames(w);
  const length = frames ? frames.reduce((n, f) => n + f.length, 0) : w.data.length;
  if (length !== info.frames * info.height * info.width) {
    throw new AutodvtError(`window at seq ${w.seq} has shape [${w.shape.join(', ')}], the model takes [1, 1, ${info.frames}, ${info.height}, ${info.width}]`, {
      scope: 'stage:onnx-inference',
      category: 'config',
    });
  }
}

/**
 * Writes windows into the model's input: a * value + b (the model's normalisation) for
 * every value of the window. A window from sliding-window brings its frames as 8-bit
 * planes (`windowFrames`); a frame is in up to T windows, so its input values are made
 * once, through a table of all 256 pixel values, and copied into each window after. Any
 * other window goes through the affine on its `data`. Both give the same Float32 values
 * bit for bit: the table is that affine on the values `data` holds.
 */
export class WindowInput {
  readonly a: number;
  readonly b: number;
  private readonly byPixel = new Float32Array(256);
  /** Each frame's input values, kept while the frame's plane is alive (in a window or the assembler). */
  private readonly byFrame = new WeakMap<Uint8Array, Float32Array>();

  constructor(info: Pick<ModelInfo, 'normalization'>) {
    const { a, b } = inputAffine(info, 'window');
    this.a = a;
    this.b = b;
    const unit = new Float32Array(256);
    toUnitRange(
      unit,
      Uint8Array.from({ length: 256 }, (_, p) => p),
    );
    affineInto(this.byPixel, unit, a, b);
  }

  /** One window's input values into `dst` (its whole length). */
  write(dst: Float32Array, w: WindowEvent): void {
    const frames = windowFrames(w);
    if (!frames) {
      affineInto(dst, w.data, this.a, this.b);
      return;
    }
    let offset = 0;
    for (const px of frames) {
      dst.set(this.frameInput(px), offset);
      offset += px.length;
    }
  }

  private frameInput(px: Uint8Array): Float32Array {
    let values = this.byFrame.get(px);
    if (!values) {
      values = new Float32Array(px.length);
      lookupInto(values, px, this.byPixel);
      this.byFrame.set(px, values);
    }
    return values;
  }
}

/** dst[k] = table[px[k]]: a plain loop over locals, like `affineInto`. */
function lookupInto(dst: Float32Array, px: Uint8Array, table: Float32Array): void {
  const n = px.length;
  for (let k = 0; k < n; k++) dst[k] = table[px[k]!]!;
}

/** dst[k] = a * src[k] + b: a plain loop over locals (a closure per window ran it 2x slower). */
function affineInto(dst: Float32Array, src: Float32Array, a: number, b: number): void {
  const n = dst.length;
  for (let k = 0; k < n; k++) dst[k] = a * src[k]! + b;
}
