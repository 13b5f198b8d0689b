/**
 * saliency — Grad-CAM heatmaps (the paper's Fig. 2) computed by ONNX Runtime.
 *
 * Consumes: `window` events [1, 1, T, H, W] of pixel/255 (from sliding-window).
 * Emits:    every event unchanged, except that every `every`-th window of an exam (the
 *           first included) carries `saliency`: a [0, 1] heatmap at the model's input size
 *           for the newest frame, explaining the `target` head's predicted class. Put it
 *           between sliding-window and onnx-inference: onnx-inference copies
 *           `window.saliency` into its `prediction` (window mode only; streaming mode
 *           discards windows).
 * Parameters:
 *   model       the Grad-CAM graph (default models/autodvt.gradcam.onnx, made from the shipped
 *               model by training/saliency.py); it must explain the model onnx-inference runs
 *   target      `vein` (open/closed head, default) or `landmark`
 *   every       compute a map every N windows of an exam (default 1); it costs time
 *   providers   execution providers to try in order (default [cpu]); each is preflighted
 *   onFallback  `warn` or `error` when an earlier provider cannot start
 *   threads     intra-op threads (default 0 = onnxruntime's choice)
 *   spinWait    let idle onnxruntime threads spin (default false: they sleep, leaving the cores to the rest)
 *   warmup      run the model once before the first frame (default true)
 * Notes: the layer is the last shared Conv3d block (64 x 10 x 10, T = 1); the gradient is
 *   written out in the graph (ReLU masks, transposed convs), so ONNX Runtime matches PyTorch
 *   autograd Grad-CAM within 1e-4. See docs/saliency.md.
 *
 * ```yaml
 * - type: sliding-window
 * - type: saliency
 *   target: vein
 *   every: 5
 * - type: onnx-inference
 * ```
 */
import { concatMap, defer } from 'rxjs';
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../core/context.js';
import { AutodvtError, errorDetail } from '../../core/errors.js';
import { SHIPPED_GRADCAM_MODEL } from '../../model/shipped-models.js';
import { windowShapeProblems } from '../../model/check-window-shape.js';
import { inputAffine, readModelInfo, type ModelInfo } from '../../model/model-info.js';
import { openSession } from '../../model/open-session.js';
import { sessionChoiceOf, sessionOptionsShape } from '../../model/session-options-schema.js';
import { defineStage, type ContextProblem } from '../../core/unit.js';
import type { InferenceSession } from 'onnxruntime-node';
import type { PipelineEvent, Saliency, WindowEvent } from '../../core/events.js';
import { onnxruntime } from '../../model/onnxruntime.js';

export type SaliencyTarget = Saliency['target'];

const schema = z
  .object({
    model: z.string().min(1).optional().describe('Path to the Grad-CAM .onnx graph (default: models/autodvt.gradcam.onnx, from training/saliency.py).'),
    target: z
      .enum(['vein', 'landmark'])
      .default('vein')
      .describe('Which head to explain: vein (open/closed) or landmark; the map explains its predicted class.'),
    every: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .describe('Compute a heatmap every N windows of an exam (the first included); each costs a model run.'),
    ...sessionOptionsShape,
  })
  .strict();

export type SaliencyConfig = z.infer<typeof schema>;

export function saliencyModelPath(config: { model?: string }, ctx: Pick<BuildContext, 'baseDir'>): string {
  return config.model ? resolvePath(ctx, config.model) : SHIPPED_GRADCAM_MODEL;
}

/** Problems with a model that is not a Grad-CAM graph. */
function gradcamProblem(info: ModelInfo): string | undefined {
  if (info.metadata['autodvt.mode'] !== 'gradcam' || !info.metadata['autodvt.gradcam']) {
    return `${info.file} is not a Grad-CAM graph (autodvt.mode is ${JSON.stringify(info.metadata['autodvt.mode'] ?? null)}): export one with training/saliency.py --onnx <window model>`;
  }
  return undefined;
}

export const saliencyStage = defineStage({
  type: 'saliency',
  events: { needs: ['window'] },
  inputFiles: (config, baseDir) => [saliencyModelPath(config, { baseDir })],
  summary: 'Grad-CAM heatmaps (open/closed or landmark head) on windows via ONNX Runtime; optional, costs time.',
  schema,
  example: { type: 'saliency', target: 'vein', every: 1 },
  async check(config, ctx, upstream) {
    let info: ModelInfo;
    try {
      info = readModelInfo(saliencyModelPath(config, ctx), 'stage:saliency');
    } catch (err) {
      return { problems: [{ path: 'model', message: errorDetail(err) }] };
    }
    const problems: ContextProblem[] = [];
    const bad = gradcamProblem(info);
    if (bad) problems.push({ path: 'model', message: bad });
    problems.push(...windowShapeProblems(info, upstream, 'saliency'));
    return { problems, shape: upstream };
  },
  async build(config, ctx) {
    const scope = 'stage:saliency';
    const info = readModelInfo(saliencyModelPath(config, ctx), scope);
    const bad = gradcamProblem(info);
    if (bad) throw new AutodvtError(bad, { scope, category: 'config' });
    const { session, provider } = await openSession(info.file, { ...sessionChoiceOf(config), warn: (m) => ctx.warn(m), scope });
    ctx.logger.info(`[${scope}] Grad-CAM of ${info.modelId} (${config.target}) on ${provider}`);
    const model = new GradcamModel(session, info);
    if (config.warmup) await model.run(undefined, config.target);
    return (source) =>
      defer(() => {
        let examId: string | undefined;
        let index = 0;
        return source.pipe(
          concatMap(async (event): Promise<PipelineEvent> => {
            if (event.kind !== 'window') return event;
            if (event.examId !== examId) {
              examId = event.examId;
              index = 0;
            }
            if (index++ % config.every !== 0) return event;
            return { ...event, saliency: await model.run(event, config.target) };
          }),
        );
      });
  },
});

/** One session and one reusable input buffer; turns a window into a heatmap. */
export class GradcamModel {
  private readonly plane: number;
  private readonly buffer: Float32Array;

  constructor(
    private readonly session: InferenceSession,
    readonly info: ModelInfo,
  ) {
    this.plane = info.frames * info.height * info.width;
    this.buffer = new Float32Array(this.plane);
  }

  /** Heatmap of one window (undefined: an all-background window, for warm-up). */
  async run(window: WindowEvent | undefined, target: SaliencyTarget): Promise<Saliency> {
    const { info } = this;
    const { a, b } = inputAffine(info, 'window');
    if (window) {
      if (window.data.length !== this.plane) {
        throw new AutodvtError(
          `window at seq ${window.seq} has shape [${window.shape.join(', ')}], the Grad-CAM graph takes [1, 1, ${info.frames}, ${info.height}, ${info.width}]`,
          { scope: 'stage:saliency', category: 'config' },
        );
      }
      const src = window.data;
      const dst = this.buffer;
      for (let k = 0; k < this.plane; k++) dst[k] = a * src[k]! + b;
    } else {
      this.buffer.fill(b);
    }
    const ort = await onnxruntime();
    const input = new ort.Tensor('float32', this.buffer, [1, 1, info.frames, info.height, info.width]);
    const name = `saliency_${target}`;
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.session.run({ [info.inputName]: input }, [name]);
    } catch (err) {
      throw new AutodvtError(`Grad-CAM run failed: ${(err as Error).message}`, { scope: 'stage:saliency', cause: err });
    }
    const out = outputs[name];
    if (!out) throw new AutodvtError(`${info.file} has no output ${name}`, { scope: 'stage:saliency', category: 'config' });
    const [h, w] = out.dims.slice(-2) as [number, number];
    return { target, width: w, height: h, data: Float32Array.from(out.data as Float32Array) };
  }
}
