import fs from 'node:fs';
import path from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../../src/dataset/read-npy.js';
import { readModelInfo } from '../../../src/model/model-info.js';
import { openSession } from '../../../src/model/open-session.js';
import { eventToJson } from '../../../src/sinks/event-json.js';
import { onnxInferenceStage } from '../../../src/stages/onnx-inference/index.js';
import { saliencyStage } from '../../../src/stages/saliency/index.js';
import { slidingWindow } from '../../../src/stages/sliding-window.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../../src/core/events.js';
import { testContext } from '../../helpers/test-context.js';

const root = path.resolve(import.meta.dirname, '../../..');
const TARGETS = ['landmark', 'vein'] as const;
const MODELS = [
  { name: 'tiny-random', gradcam: 'models/test/tiny-random.gradcam.onnx', window: 'models/test/tiny-random.onnx' },
  { name: 'shipped autodvt', gradcam: 'models/autodvt.gradcam.onnx', window: 'models/autodvt.onnx' },
];

function loadReference(gradcam: string) {
  const file = path.join(root, gradcam.replace(/\.onnx$/, '.reference.json'));
  const ref = JSON.parse(fs.readFileSync(file, 'utf8'));
  const dir = path.dirname(file);
  const input = readNpy(path.join(dir, ref.input.file));
  const heat = readNpy(path.join(dir, ref.heatmaps.file));
  return { ref, input: input as { shape: number[]; data: Float32Array }, heat: heat as { shape: number[]; data: Float32Array } };
}

/** Windows (pixel/255) whose normalised values are the reference input. */
function referenceWindows(model: string, input: { shape: number[]; data: Float32Array }, examId = 'e'): WindowEvent[] {
  const info = readModelInfo(path.join(root, model));
  const plane = input.shape.slice(1).reduce((a, b) => a * b, 1);
  const { scale, mean, std } = info.normalization;
  return Array.from({ length: input.shape[0]! }, (_, i) => {
    const x = new Float32Array(plane);
    for (let k = 0; k < plane; k++) x[k] = (input.data[i * plane + k]! * std + mean) / (255 * scale);
    return { kind: 'window', seq: i, ptsMs: i * 33, examId, seqs: [i], shape: [1, 1, 9, 150, 150], data: x };
  });
}

const config = (extra: Record<string, unknown> = {}) =>
  ({
    model: 'models/test/tiny-random.gradcam.onnx',
    target: 'vein',
    every: 1,
    providers: ['cpu'],
    onFallback: 'warn',
    threads: 0,
    warmup: true,
    ...extra,
  }) as never;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe.each(MODELS)('Grad-CAM graph parity: $name', ({ gradcam, window }) => {
  it('ONNX Runtime matches PyTorch autograd Grad-CAM within 1e-4 on the reference input, both heads', async () => {
    const { ref, input, heat } = loadReference(gradcam);
    expect(ref.tolerance).toBe(1e-4);
    expect(ref.margin_threshold).toBeLessThanOrEqual(1e-5);
    // At least one sample of every reference is compared (a reference whose every sample sits on a
    // ReLU edge would test nothing).
    expect(Math.max(...ref.relu_margin)).toBeGreaterThanOrEqual(ref.margin_threshold);
    const ort = await import('onnxruntime-node');
    const { session } = await openSession(path.join(root, gradcam), { providers: ['cpu'], onFallback: 'warn', scope: 't' });
    const out = await session.run({ frames: new ort.Tensor('float32', input.data, input.shape) });
    const [B, , H, W] = heat.shape as [number, number, number, number];
    expect(heat.shape).toEqual([input.shape[0], 2, 150, 150]);
    const diffs: Record<string, number> = {};
    TARGETS.forEach((t, ti) => {
      const got = out[`saliency_${t}`]!;
      expect(got.dims).toEqual([B, H, W]);
      const want = new Float32Array(B * H * W);
      for (let b = 0; b < B; b++) want.set(heat.data.subarray((b * 2 + ti) * H * W, (b * 2 + ti + 1) * H * W), b * H * W);
      // Parity wherever no ReLU mask on the gradient path is within float rounding of flipping
      // (ref.relu_margin; see docs/saliency.md).
      for (let b = 0; b < B; b++) {
        if (ref.relu_margin[b] < ref.margin_threshold) continue;
        const d = maxAbsDiff((got.data as Float32Array).subarray(b * H * W, (b + 1) * H * W), want.subarray(b * H * W, (b + 1) * H * W));
        diffs[`${t}[${b}]`] = d;
        expect(d, `${t} sample ${b}`).toBeLessThanOrEqual(ref.tolerance);
      }
      // the map explains the class PyTorch predicted
      expect(Array.from(out[`saliency_${t}_class`]!.data as BigInt64Array, Number)).toEqual(ref.classes[t]);
      // and is a real map: peak 1, not flat
      for (let b = 0; b < B; b++) {
        const m = (got.data as Float32Array).subarray(b * H * W, (b + 1) * H * W);
        expect(Math.max(...m)).toBeCloseTo(1, 6);
        expect(Math.min(...m)).toBeGreaterThanOrEqual(0);
        expect(Math.min(...m)).toBeLessThan(0.5);
      }
    });
    // the probabilities equal the window model's reference outputs
    const winRef = JSON.parse(fs.readFileSync(path.join(root, window.replace(/\.onnx$/, '.reference.json')), 'utf8'));
    expect(maxAbsDiff(out.landmark!.data as Float32Array, winRef.outputs.landmark.flat())).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.vein!.data as Float32Array, winRef.outputs.vein.flat())).toBeLessThanOrEqual(1e-4);
    expect(readModelInfo(path.join(root, gradcam)).modelId).toBe(winRef.model_id);
    expect(Object.keys(diffs).length).toBeGreaterThanOrEqual(2); // at least one sample, both heads
    await session.release();
  }, 60_000);
});

describe('saliency stage', () => {
  it('attaches the reference heatmap to each window (pixel/255 in, within 1e-4)', async () => {
    const { ref, input, heat } = loadReference('models/test/tiny-random.gradcam.onnx');
    for (const [ti, target] of TARGETS.entries()) {
      const op = await saliencyStage.build(config({ target }), testContext());
      const out = await firstValueFrom(from(referenceWindows('models/test/tiny-random.gradcam.onnx', input) as PipelineEvent[]).pipe(op, toArray()));
      expect(out.map((e) => e.kind)).toEqual(['window', 'window']);
      out.forEach((w, b) => {
        const s = (w as WindowEvent).saliency!;
        expect(s).toMatchObject({ target, width: 150, height: 150 });
        const want = heat.data.subarray((b * 2 + ti) * 22500, (b * 2 + ti + 1) * 22500);
        if (ref.relu_margin[b] >= ref.margin_threshold) expect(maxAbsDiff(s.data, want)).toBeLessThanOrEqual(1e-4);
        else expect(maxAbsDiff(s.data, want)).toBeLessThanOrEqual(1e-2); // a mask within rounding of flipping
      });
    }
  }, 60_000);

  it('runs every N windows of an exam, restarting the count for a new exam, and passes other events through', async () => {
    const { input } = loadReference('models/test/tiny-random.gradcam.onnx');
    const [w0] = referenceWindows('models/test/tiny-random.gradcam.onnx', input);
    const windows = (examId: string, n: number, start: number): PipelineEvent[] =>
      Array.from({ length: n }, (_, i) => ({ ...w0!, examId, seq: start + i, seqs: [start + i] }));
    const marker: PipelineEvent = { kind: 'warning', atMs: 0, scope: 't', message: 'm' };
    const op = await saliencyStage.build(config({ every: 3, warmup: false }), testContext());
    const out = await firstValueFrom(from([...windows('a', 7, 0), marker, ...windows('b', 4, 100)]).pipe(op, toArray()));
    expect(out).toContainEqual(marker);
    const withMap = out.filter((e): e is WindowEvent => e.kind === 'window' && !!e.saliency).map((w) => `${w.examId}:${w.seq}`);
    expect(withMap).toEqual(['a:0', 'a:3', 'a:6', 'b:100', 'b:103']);
  }, 60_000);

  it('reaches predictions: sliding-window -> saliency -> onnx-inference', async () => {
    const frames: PipelineEvent[] = Array.from({ length: 12 }, (_, t) => {
      const pixels = new Uint8Array(150 * 150);
      for (let k = 0; k < pixels.length; k++) pixels[k] = (k * 7 + t * 31 + ((k / 150) | 0) * 3) & 255;
      return { kind: 'frame', seq: t, ptsMs: t * 33, width: 150, height: 150, pixels, source: { uri: 't', examId: 'e', frameIndex: t }, meta: {} };
    });
    const sal = await saliencyStage.build(config({ every: 2, target: 'landmark' }), testContext());
    const inf = await onnxInferenceStage.build(
      {
        model: 'models/test/tiny-random.onnx',
        providers: ['cpu'],
        onFallback: 'warn',
        batch: 3,
        threads: 0,
        warmup: true,
        mode: 'window',
        maxGapFrames: 2,
      } as never,
      testContext(),
    );
    const out = await firstValueFrom(from(frames).pipe(slidingWindow({ size: 9, step: 1, maxGapFrames: 2, onGap: 'reset' }), sal, inf, toArray()));
    const preds = out.filter((e): e is PredictionEvent => e.kind === 'prediction');
    expect(preds.map((p) => p.seq)).toEqual([8, 9, 10, 11]);
    expect(preds.map((p) => p.saliency?.target)).toEqual(['landmark', undefined, 'landmark', undefined]);
    expect(preds[0]!.saliency!.data).toHaveLength(150 * 150);
    // the json log writes the heatmap's size, never its values
    const json = eventToJson(preds[0]!);
    expect(json.saliency).toEqual({ target: 'landmark', width: 150, height: 150 });
    expect(JSON.stringify(json).length).toBeLessThan(2000);
    expect(eventToJson(preds[1]!)).not.toHaveProperty('saliency');
  }, 60_000);

  it('validation: rejects a model that is not a Grad-CAM graph and a window of the wrong shape', async () => {
    const ctx = testContext();
    const notGradcam = await saliencyStage.check!(config({ model: 'models/test/tiny-random.onnx' }), ctx, { windowShape: [1, 1, 9, 150, 150] });
    expect(notGradcam.problems?.[0]).toMatchObject({ path: 'model' });
    expect(notGradcam.problems?.[0]?.message).toMatch(/not a Grad-CAM graph.*training\/saliency\.py/);
    const wrong = await saliencyStage.check!(config(), ctx, { windowShape: [1, 1, 5, 150, 150] });
    expect(wrong.problems?.[0]?.message).toMatch(/upstream window is \[1, 1, 5, 150, 150\]/);
    const ok = await saliencyStage.check!(config(), ctx, { windowShape: [1, 1, 9, 150, 150] });
    expect(ok.problems).toEqual([]);
    const missing = await saliencyStage.check!(config({ model: 'models/nope.gradcam.onnx' }), ctx, {});
    expect(missing.problems?.[0]?.message).toContain('model file not found');
    await expect(saliencyStage.build(config({ model: 'models/test/tiny-random.onnx' }), ctx)).rejects.toThrow(/not a Grad-CAM graph/);
  });
});
