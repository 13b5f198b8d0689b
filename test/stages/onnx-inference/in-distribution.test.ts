/**
 * The in-distribution score on predictions (models/README.md, "In-distribution score"):
 * the shipped model's graphs compute it as an extra output; onnxruntime-node reproduces the
 * values training/fit_in_distribution.py wrote beside the reference inputs; the stage sets
 * `unknown` from the threshold in the model's metadata, flags frozen frames, and leaves
 * predictions of a model without a score as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../../src/dataset/read-npy.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../../src/core/events.js';
import { readModelInfo } from '../../../src/model/model-info.js';
import { inDistributionOf, regionFlags } from '../../../src/stages/onnx-inference/in-distribution.js';
import { onnxInferenceStage } from '../../../src/stages/onnx-inference/index.js';
import { testContext } from '../../helpers/test-context.js';

const root = path.resolve(import.meta.dirname, '../../..');
const SHIPPED = 'models/autodvt.onnx';
const json = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
const config = (extra: Record<string, unknown> = {}) =>
  ({ model: SHIPPED, providers: ['cpu'], onFallback: 'warn', batch: 8, threads: 1, warmup: false, maxGapFrames: 2, mode: 'window', ...extra }) as never;
const predictions = (events: PipelineEvent[]) => events.filter((e): e is PredictionEvent => e.kind === 'prediction');
const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));

/** Windows whose normalised values are a model's reference input. */
function referenceWindows(model: string, refFile: string): WindowEvent[] {
  const info = readModelInfo(path.join(root, model));
  const ref = json(refFile);
  const { shape, data } = readNpy(path.join(root, path.dirname(refFile), ref.input.file));
  const plane = shape.slice(1).reduce((a, b) => a * b, 1);
  const { scale, mean, std } = info.normalization;
  return Array.from({ length: shape[0]! }, (_, i) => {
    const x = new Float32Array(plane);
    for (let k = 0; k < plane; k++) x[k] = (data[i * plane + k]! * std + mean) / (255 * scale);
    return { kind: 'window', seq: i, ptsMs: i * 33, examId: 'e', seqs: [i], shape: [1, 1, 9, 150, 150], data: x };
  });
}

describe('onnx-inference: in-distribution score', () => {
  const info = readModelInfo(path.join(root, SHIPPED));

  it('every shipped form declares the score and the same threshold in its metadata', () => {
    expect(info.inDistribution?.output).toBe('in_distribution');
    expect(info.inDistribution!.threshold).toBeGreaterThan(0);
    for (const form of ['models/autodvt.streaming.onnx', 'models/autodvt.gradcam.onnx']) {
      expect(readModelInfo(path.join(root, form)).inDistribution?.threshold).toBe(info.inDistribution!.threshold);
    }
  });

  it('window mode reproduces the reference score (relative 1e-4) and marks unknown by the threshold', async () => {
    const ref = json('models/autodvt.reference.json');
    const op = await onnxInferenceStage.build(config(), testContext());
    const preds = predictions(await firstValueFrom(from(referenceWindows(SHIPPED, 'models/autodvt.reference.json') as PipelineEvent[]).pipe(op, toArray())));
    expect(preds).toHaveLength(ref.outputs.in_distribution.length);
    preds.forEach((p, i) => {
      const d = p.inDistribution!;
      expect(relClose(d.score, ref.outputs.in_distribution[i])).toBe(true);
      expect(d.threshold).toBe(info.inDistribution!.threshold);
      expect(d.unknown).toBe(d.score > d.threshold);
    });
  }, 120_000);

  it('streaming mode reproduces the reference score of each window from the 9th frame on', async () => {
    const ref = json('models/autodvt.streaming.reference.json');
    const sinfo = readModelInfo(path.join(root, 'models/autodvt.streaming.onnx'));
    const { shape, data } = readNpy(path.join(root, 'models', ref.input.file));
    const [, , T, H, W] = shape as [number, number, number, number, number];
    const { scale, mean, std } = sinfo.normalization;
    const frames: PipelineEvent[] = Array.from({ length: T }, (_, t) => {
      const pixels = new Float32Array(H * W);
      for (let k = 0; k < H * W; k++) pixels[k] = (data[t * H * W + k]! * std + mean) / scale;
      return {
        kind: 'frame',
        seq: t,
        ptsMs: t * 33,
        width: W,
        height: H,
        pixels: pixels as unknown as Uint8Array, // float pixels keep the parity exact
        source: { uri: 't', examId: 'e', frameIndex: t },
        meta: { usRegion: { x: 0, y: 0, width: W, height: H } },
      };
    });
    const op = await onnxInferenceStage.build(config({ mode: 'streaming' }), testContext());
    const preds = predictions(await firstValueFrom(from(frames).pipe(op, toArray())));
    expect(preds).toHaveLength(ref.in_distribution_from_step_8.length);
    preds.forEach((p, i) => expect(relClose(p.inDistribution!.score, ref.in_distribution_from_step_8[i])).toBe(true));
    expect(preds.every((p) => p.inDistribution!.flags === undefined)).toBe(true);
  }, 120_000);

  it('a window whose newest frame repeats the one before is flagged frozen and unknown', async () => {
    const [w] = referenceWindows(SHIPPED, 'models/autodvt.reference.json');
    const plane = 150 * 150;
    const frozen = new Float32Array(w!.data);
    frozen.copyWithin(8 * plane, 7 * plane, 8 * plane);
    const op = await onnxInferenceStage.build(config(), testContext());
    const [p, q] = predictions(await firstValueFrom(from([w!, { ...w!, seq: 1, data: frozen }] as PipelineEvent[]).pipe(op, toArray())));
    expect(p!.inDistribution!.flags).toBeUndefined();
    expect(q!.inDistribution!.flags).toEqual(['frozen-frame']);
    expect(q!.inDistribution!.unknown).toBe(true);
  }, 120_000);

  it('a model without a score gives predictions without inDistribution', async () => {
    const op = await onnxInferenceStage.build(config({ model: 'models/test/tiny-random.onnx' }), testContext());
    const preds = predictions(
      await firstValueFrom(
        from(referenceWindows('models/test/tiny-random.onnx', 'models/test/tiny-random.reference.json') as PipelineEvent[]).pipe(op, toArray()),
      ),
    );
    expect(preds.length).toBe(2);
    expect(preds.every((p) => p.inDistribution === undefined)).toBe(true);
  }, 60_000);

  it('region flags: no B-mode region, colour flow covering it; a NaN score is unknown', () => {
    expect(regionFlags({})).toEqual(['no-bmode-region']);
    const usRegion = { x: 0, y: 0, width: 100, height: 100 };
    expect(regionFlags({ usRegion })).toEqual([]);
    const colour = { x: 10, y: 10, width: 80, height: 80, spatialFormat: 1, dataType: 2 };
    expect(regionFlags({ usRegion, regions: [colour] })).toEqual(['colour-flow']);
    expect(regionFlags({ usRegion, regions: [{ ...colour, width: 20, height: 20 }] })).toEqual([]);
    const spec = { inDistribution: { output: 'in_distribution', threshold: 10, fitted: {} } };
    expect(inDistributionOf(spec, Number.NaN, [])!.unknown).toBe(true);
    expect(inDistributionOf(spec, 9, ['no-bmode-region'])!.unknown).toBe(false);
    expect(inDistributionOf(spec, 11, [])!.unknown).toBe(true);
    expect(inDistributionOf({}, 11, ['frozen-frame'])).toBeUndefined();
  });
});
