/**
 * Pre-labels: the current model's predictions for one loop, frame by frame. The
 * loop's text-removed frames go through the pipeline's own preprocessing and
 * inference stages (by default the model's preprocessing, crop-pad 600 and resize 150, then sliding-window 9,
 * onnx-inference with the shipped model; from a pipeline file, its stages up to its
 * onnx-inference), built from the stage registry exactly as a run builds them. A
 * window's prediction belongs to its newest frame; the first frames of a loop (before
 * a window is full) have none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import { parsePipeline, requireValid } from '../core/config/load-pipeline.js';
import { makeContextFactory } from '../pipeline.js';
import { findUnit } from '../core/registry.js';
import { InputError } from '../core/errors.js';
import { MODEL_PREPROCESSING } from '../model/model-preprocessing.js';
import type { UnitConfig } from '../core/config/pipeline-schema.js';
import type { TextOut } from '../core/context.js';
import type { Landmark, PipelineEvent } from '../core/events.js';
import type { StageSpec } from '../core/unit.js';

/** The model's view of one frame. */
export interface FramePrediction {
  /** P(BG), P(LM1), P(LM2). */
  landmark: Record<Landmark, number>;
  pClosed: number;
}

export const DEFAULT_PRELABEL_STAGES: Record<string, unknown>[] = [
  ...MODEL_PREPROCESSING,
  { type: 'sliding-window', size: 9 },
  { type: 'onnx-inference', providers: ['cpu'] },
];

const quiet: TextOut = { write: () => true };

/**
 * Validate stage configurations (defaults filled in) and check that a model file
 * they name exists; throws ConfigError / InputError naming the problem.
 */
export function validatePrelabelStages(stages: Record<string, unknown>[], baseDir: string): UnitConfig[] {
  const config = requireValid(
    parsePipeline(JSON.stringify({ source: { type: 'synthetic' }, stages, sinks: [{ type: 'console', intervalMs: 0 }] }), { env: {}, baseDir }),
  );
  for (const stage of config.stages) {
    const model = (stage as { model?: string }).model;
    if (stage.type === 'onnx-inference' && model && !fs.existsSync(path.resolve(baseDir, model))) {
      throw new InputError(`${model}: no such model file (for the pre-labels)`, { scope: 'label', hint: 'give --model an .onnx file, or --no-prelabels' });
    }
  }
  return config.stages;
}

/**
 * Predictions for the frames of one loop (in order; `undefined` where no window
 * ends). `events` are the loop's events as the text-removal stage emitted them.
 */
export async function predictLoop(
  events: readonly PipelineEvent[],
  stages: UnitConfig[],
  baseDir: string,
  signal: AbortSignal,
): Promise<(FramePrediction | undefined)[]> {
  const config = requireValid(
    parsePipeline(JSON.stringify({ source: { type: 'synthetic' }, stages, sinks: [{ type: 'console', intervalMs: 0 }] }), { env: {}, baseDir }),
  );
  const contextFor = makeContextFactory(config, { baseDir, stdout: quiet, stderr: quiet }, { signal });
  const ops: OperatorFunction<PipelineEvent, PipelineEvent>[] = [];
  for (const [i, stage] of config.stages.entries()) {
    const spec = findUnit('stage', stage.type) as StageSpec;
    ops.push((await spec.build(stage as never, contextFor(`stages[${i}]`, stage.type))) as OperatorFunction<PipelineEvent, PipelineEvent>);
  }
  const out = await lastValueFrom(ops.reduce((obs, op) => obs.pipe(op), from(events)).pipe(toArray()));
  const indexOfSeq = new Map<number, number>();
  let n = 0;
  for (const e of events) if (e.kind === 'frame') indexOfSeq.set(e.seq, n++);
  const predictions: (FramePrediction | undefined)[] = Array.from({ length: n }, () => undefined);
  for (const e of out) {
    if (e.kind !== 'prediction') continue;
    const i = indexOfSeq.get(e.seq);
    if (i !== undefined) predictions[i] = { landmark: { ...e.landmark }, pClosed: e.pClosed };
  }
  return predictions;
}
