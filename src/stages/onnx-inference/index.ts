/**
 * onnx-inference — run the AutoDVT network (ONNX Runtime) on each window.
 *
 * Consumes: mode `window`: `window` events [1, 1, T, H, W] of pixel/255 (from
 *           sliding-window); mode `streaming`: `frame` events of the model's size (no
 *           sliding-window needed).
 * Emits:    a `prediction` per window (landmark probabilities BG/LM1/LM2, pClosed,
 *           model id, latency) in the window's place (streaming: after the frame that
 *           completes it); every other event passes through in order. Windows are
 *           consumed (their tensors are freed).
 * Parameters:
 *   model       path to an .onnx file (default: the shipped models/autodvt.onnx)
 *   mode        `window` (recompute the 9-frame stack each time) or `streaming` (continual
 *               inference: one frame in, cached Conv3d state; uses <model>.streaming.onnx)
 *   providers   execution providers to try in order (default [cpu]); each is preflighted
 *   onFallback  `warn` or `error` when an earlier provider cannot start (never silent)
 *   batch       windows per model call for archived input (default 8; live input uses 1)
 *   threads     intra-op threads (default 0 = onnxruntime's choice)
 *   warmup      run the model once before the first frame (default true)
 * Notes: input size and intensity normalisation come from the model's metadata;
 *   `validate` fails when the upstream window does not match the model input.
 *
 * ```yaml
 * - type: onnx-inference
 *   providers: [webgpu, cpu]
 *   onFallback: warn
 *   batch: 8
 * ```
 */
import path from 'node:path';
import { concat, concatMap, defer, from, mergeMap } from 'rxjs';
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../context.js';
import { AutodvtError } from '../../errors.js';
import { windowShapeProblems } from '../../model/check-window-shape.js';
import { inputAffine, readModelInfo, type ModelInfo } from '../../model/model-info.js';
import { openSession } from '../../model/open-session.js';
import { sessionOptionsShape } from '../../model/session-options-schema.js';
import { defineStage, type ContextProblem } from '../../unit.js';
import { StreamingModel } from './streaming-model.js';
import { WindowBatcher } from './window-batcher.js';
import type { InferenceSession } from 'onnxruntime-node';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../events.js';

export const SHIPPED_MODEL = path.resolve(import.meta.dirname, '../../../models/autodvt.onnx');

const schema = z
  .object({
    model: z.string().min(1).optional().describe('Path to the .onnx model (default: the shipped models/autodvt.onnx).'),
    ...sessionOptionsShape,
    batch: z.number().int().min(1).max(256).default(8).describe('Windows per model call for archived input; live input always uses 1.'),
    mode: z
      .enum(['window', 'streaming'])
      .default('window')
      .describe('window: run the 9-frame stack per window; streaming: one new frame plus cached state (<model>.streaming.onnx).'),
    maxGapFrames: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe('Streaming mode: a larger run of missing frames restarts the cached state.'),
  })
  .strict();

type Config = z.infer<typeof schema>;

export function modelPath(config: { model?: string; mode?: 'window' | 'streaming' }, ctx: Pick<BuildContext, 'baseDir'>): string {
  const file = config.model ? resolvePath(ctx, config.model) : SHIPPED_MODEL;
  if (config.mode !== 'streaming' || file.endsWith('.streaming.onnx')) return file;
  return file.replace(/\.onnx$/, '.streaming.onnx');
}

export const onnxInferenceStage = defineStage({
  type: 'onnx-inference',
  summary: 'Run the AutoDVT network on each window with ONNX Runtime (ordered providers, batching).',
  schema,
  example: { type: 'onnx-inference', providers: ['cpu'], onFallback: 'warn', batch: 8 },
  async check(config, ctx, upstream) {
    let info: ModelInfo;
    try {
      info = readModelInfo(modelPath(config, ctx), 'stage:onnx-inference');
    } catch (err) {
      return { problems: [{ path: 'model', message: (err as Error).message }] };
    }
    const problems: ContextProblem[] = [];
    if (config.mode === 'streaming') {
      if (!info.streaming) problems.push({ path: 'model', message: `${info.file} is not a streaming model (export one with training/export_streaming.py)` });
      const fs = upstream.frameSize;
      if (fs && (fs.width !== info.width || fs.height !== info.height)) {
        problems.push({ message: `frames arrive at ${fs.width}x${fs.height} but the model takes ${info.width}x${info.height}: resize to ${info.width}` });
      }
      return { problems, shape: { ...upstream, windowShape: undefined } };
    }
    problems.push(...windowShapeProblems(info, upstream, 'the model', `: set sliding-window size ${info.frames} and resize ${info.width}x${info.height}`));
    return { problems, shape: { ...upstream, windowShape: undefined } };
  },
  async build(config, ctx) {
    const scope = 'stage:onnx-inference';
    const info = readModelInfo(modelPath(config, ctx), scope);
    const { session, provider } = await openSession(info.file, {
      providers: config.providers,
      onFallback: config.onFallback,
      threads: config.threads,
      warn: (m) => ctx.warn(m),
      scope,
    });
    ctx.logger.info(`[${scope}] ${info.modelId} on ${provider}`);
    if (config.mode === 'streaming') {
      return (source) =>
        defer(() => {
          const model = new StreamingModel(session, info, ctx.clock, config.maxGapFrames);
          return source.pipe(
            concatMap(async (event): Promise<PipelineEvent[]> => {
              if (event.kind === 'window') return []; // not needed in streaming mode
              if (event.kind !== 'frame') return [event];
              const prediction = await model.push(event);
              return prediction ? [event, prediction] : [event];
            }),
            mergeMap((events) => from(events)),
          );
        });
    }
    const batchSize = ctx.live ? 1 : config.batch;
    const runner = new WindowModel(session, info, batchSize, ctx);
    if (config.warmup) await runner.run([]);
    return (source) =>
      defer(() => {
        const batcher = new WindowBatcher(batchSize, (windows) => runner.run(windows));
        return concat(
          source.pipe(concatMap((event) => batcher.push(event))),
          defer(() => batcher.flush()),
        ).pipe(mergeMap((events) => from(events)));
      });
  },
});

/** One session, one reusable input buffer; turns windows into predictions. */
class WindowModel {
  private readonly plane: number;
  private buffer: Float32Array;

  constructor(
    private readonly session: InferenceSession,
    private readonly info: ModelInfo,
    private readonly batchSize: number,
    private readonly ctx: BuildContext,
  ) {
    this.plane = info.frames * info.height * info.width;
    this.buffer = new Float32Array(batchSize * this.plane);
  }

  /** Run a batch; an empty list runs one all-zero window (warm-up). */
  async run(windows: WindowEvent[]): Promise<PredictionEvent[]> {
    const { info } = this;
    const n = Math.max(1, windows.length);
    const { a, b } = inputAffine(info, 'window');
    windows.forEach((w, i) => {
      if (w.data.length !== this.plane) {
        throw new AutodvtError(
          `window at seq ${w.seq} has shape [${w.shape.join(', ')}], the model takes [1, 1, ${info.frames}, ${info.height}, ${info.width}]`,
          { scope: 'stage:onnx-inference', category: 'config' },
        );
      }
      const base = i * this.plane;
      const src = w.data;
      const dst = this.buffer;
      for (let k = 0; k < this.plane; k++) dst[base + k] = a * src[k]! + b;
    });
    if (windows.length === 0) this.buffer.fill(b, 0, this.plane);
    const ort = await import('onnxruntime-node');
    const input = new ort.Tensor('float32', this.buffer.subarray(0, n * this.plane), [n, 1, info.frames, info.height, info.width]);
    const t0 = this.ctx.clock.monotonic();
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.session.run({ [info.inputName]: input });
    } catch (err) {
      throw new AutodvtError(`model run failed: ${(err as Error).message}`, { scope: 'stage:onnx-inference', cause: err });
    }
    const latencyMs = (this.ctx.clock.monotonic() - t0) / n;
    const landmark = outputs.landmark?.data as Float32Array | undefined;
    const vein = outputs.vein?.data as Float32Array | undefined;
    const li = (name: string) => info.landmarkClasses.indexOf(name);
    const closedIdx = info.veinClasses.indexOf('closed');
    return windows.map((w, i) => ({
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
    }));
  }
}
