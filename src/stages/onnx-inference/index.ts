/**
 * onnx-inference — run the AutoDVT network (ONNX Runtime) on each window.
 *
 * Consumes: mode `window`: `window` events [1, 1, T, H, W] of pixel/255 (from
 *           sliding-window); mode `streaming`: `frame` events of the model's size (no
 *           sliding-window needed).
 * Emits:    a `prediction` per window (landmark probabilities BG/LM1/LM2, pClosed,
 *           model id, latency) in the window's place (streaming: after the frame that
 *           completes it); every other event passes through in order. Windows are
 *           consumed (their tensors are freed). With a model fitted by
 *           training/fit_in_distribution.py, each prediction carries `inDistribution`
 *           (score, threshold, unknown, image-quality flags; in-distribution.ts).
 * Parameters:
 *   model       path to an .onnx file (default: the shipped models/autodvt.onnx)
 *   mode        `window` (recompute the 9-frame stack each time) or `streaming` (continual
 *               inference: one frame in, cached Conv3d state; uses <model>.streaming.onnx)
 *   precision   `fp32` (default) or `int8`: the statically quantised form beside the model,
 *               <model>.int8.onnx / <model>.streaming.int8.onnx (training/quantize_int8.py;
 *               shipped for the default model)
 *   providers   execution providers to try in order (default [cpu]); each is preflighted
 *   onFallback  `warn` or `error` when an earlier provider cannot start (never silent)
 *   batch       windows per model call for archived input (default 8; live input uses 1)
 *   threads     intra-op threads (default 0 = onnxruntime's choice)
 *   spinWait    let idle onnxruntime threads spin (default false: they sleep, leaving the cores to the rest)
 *   warmup      run the model once before the first frame (default true)
 *   maxGapFrames  streaming mode: a longer run of missing frames restarts the cached state (default 2)
 * Notes: input size and intensity normalisation come from the model's metadata;
 *   `validate` fails when the upstream window does not match the model input. In a
 *   batch run (`ctx.inference`), window mode uses the run's shared session and batches
 *   windows of the exams running at once (`batch` per call); streaming mode keeps a
 *   session per exam (its cached state is per exam).
 *
 * ```yaml
 * - type: onnx-inference
 *   providers: [webgpu, cpu]
 *   onFallback: warn
 *   batch: 8
 * ```
 */
import { existsSync } from 'node:fs';
import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../core/context.js';
import { windowShapeProblems } from '../../model/check-window-shape.js';
import { CrossExamBatcher } from '../../model/cross-exam-batcher.js';
import { modelFormFile, type ModelMode, type ModelPrecision } from '../../model/model-forms.js';
import { readModelInfo, type ModelInfo } from '../../model/model-info.js';
import { openSession } from '../../model/open-session.js';
import { sessionChoiceOf, sessionOptionsShape } from '../../model/session-options-schema.js';
import { sessionId, type SharedInference } from '../../model/shared-inference.js';
import { errorDetail } from '../../core/errors.js';
import { statefulOperator } from '../stateful-operator.js';
import { SHIPPED_MODEL } from '../../model/shipped-models.js';
import { defineStage, type ContextProblem } from '../../core/unit.js';
import { SharedWindowBatcher } from './shared-window-batcher.js';
import { StreamingModel } from './streaming-model.js';
import { WindowBatcher } from './window-batcher.js';
import { checkWindowFits, WindowModel } from './window-model.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../core/events.js';

const schema = z
  .object({
    model: z.string().min(1).optional().describe('Path to the .onnx model (default: the shipped models/autodvt.onnx).'),
    ...sessionOptionsShape,
    batch: z.number().int().min(1).max(256).default(8).describe('Windows per model call for archived input; live input always uses 1.'),
    mode: z
      .enum(['window', 'streaming'])
      .default('window')
      .describe('window: run the 9-frame stack per window; streaming: one new frame plus cached state (<model>.streaming.onnx).'),
    maxGapFrames: z.number().int().min(0).default(2).describe('Streaming mode: a larger run of missing frames restarts the cached state.'),
    precision: z
      .enum(['fp32', 'int8'])
      .default('fp32')
      .describe(
        'fp32: the model as trained; int8: its statically quantised form beside it (<model>.int8.onnx, <model>.streaming.int8.onnx; shipped for the default model, made by training/quantize_int8.py).',
      ),
  })
  .strict();

type Config = z.infer<typeof schema>;

/** The model file the stage opens: the given or shipped model, in the form its mode and precision ask for. */
export function modelPath(config: { model?: string; mode?: ModelMode; precision?: ModelPrecision }, ctx: Pick<BuildContext, 'baseDir'>): string {
  return modelFormFile(config.model ? resolvePath(ctx, config.model) : SHIPPED_MODEL, config);
}

function precisionProblems(config: Pick<Config, 'precision'>, info: ModelInfo): ContextProblem[] {
  if (config.precision !== 'int8' || info.precision === 'int8') return [];
  return [{ path: 'precision', message: `${info.file} is not an int8 model (no autodvt.precision metadata): quantise it with training/quantize_int8.py` }];
}

export const onnxInferenceStage = defineStage({
  type: 'onnx-inference',
  events: (config) => ({ needs: [config.mode === 'streaming' ? 'frame' : 'window'], adds: ['prediction'] }),
  inputFiles: (config, baseDir) => [modelPath(config, { baseDir })],
  summary: 'Run the AutoDVT network on each window with ONNX Runtime (ordered providers, batching).',
  schema,
  example: { type: 'onnx-inference', providers: ['cpu'], onFallback: 'warn', batch: 8 },
  async check(config, ctx, upstream) {
    let info: ModelInfo;
    const file = modelPath(config, ctx);
    try {
      info = readModelInfo(file, 'stage:onnx-inference');
    } catch (err) {
      if (config.precision === 'int8' && !existsSync(file)) {
        return {
          problems: [
            { path: 'precision', message: `no int8 form of the model: ${file} not found; make it with training/quantize_int8.py --model <the fp32 .onnx>` },
          ],
        };
      }
      return { problems: [{ path: 'model', message: errorDetail(err) }] };
    }
    const problems: ContextProblem[] = precisionProblems(config, info);
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
    const batchSize = ctx.live ? 1 : config.batch;
    // A batch run shares one session and batches windows across its exams (docs/batch.md).
    if (ctx.inference && config.mode === 'window') return sharedWindowOperator(ctx.inference, config, info, batchSize, ctx);
    const { session, provider } = await openSession(info.file, { ...sessionChoiceOf(config), warn: (m) => ctx.warn(m), scope });
    ctx.logger.info(`[${scope}] ${info.modelId} on ${provider}`);
    if (config.mode === 'streaming') {
      return statefulOperator(() => {
        const model = new StreamingModel(session, info, ctx.clock, config.maxGapFrames);
        return {
          async push(event): Promise<PipelineEvent[]> {
            if (event.kind === 'window') return []; // not needed in streaming mode
            if (event.kind !== 'frame') return [event];
            const prediction = await model.push(event);
            return prediction ? [event, prediction] : [event];
          },
        };
      });
    }
    const runner = new WindowModel(session, info, batchSize, ctx.clock);
    if (config.warmup) await runner.run([]);
    return statefulOperator(() => new WindowBatcher(batchSize, (windows) => runner.run(windows)));
  },
});

/**
 * Window mode in a batch run: the run's shared session (one per model and session
 * options) and cross-exam batcher (one per stage position, session and batch size);
 * this exam attaches while its stream runs and leaves when it ends, fails or stops.
 */
async function sharedWindowOperator(
  inference: SharedInference,
  config: Config,
  info: ModelInfo,
  batchSize: number,
  ctx: BuildContext,
): Promise<OperatorFunction<PipelineEvent, PipelineEvent>> {
  const scope = 'stage:onnx-inference';
  const key = { file: info.file, ...sessionChoiceOf(config) };
  // Per stage position too: two inference stages of one pipeline must not wait on each other.
  const batcher = await inference.batcher<WindowEvent, PredictionEvent>(JSON.stringify([ctx.unitPath, sessionId(key), batchSize]), async (onBatch) => {
    const { session, provider } = await inference.session(key, { warn: (m) => ctx.warn(m), scope });
    ctx.logger.info(`[${scope}] ${info.modelId} on ${provider}, shared across exams`);
    const model = new WindowModel(session, info, batchSize, ctx.clock);
    if (config.warmup) await model.run([]);
    return new CrossExamBatcher(batchSize, (windows) => model.run(windows), onBatch);
  });
  return statefulOperator(
    () =>
      new SharedWindowBatcher(
        batchSize,
        () => batcher.attach(),
        (w) => checkWindowFits(info, w),
      ),
  );
}
