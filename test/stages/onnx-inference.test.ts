import fs from 'node:fs';
import path from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/dataset/read-npy.js';
import { readModelInfo } from '../../src/model/model-info.js';
import { onnxInferenceStage } from '../../src/stages/onnx-inference/index.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../src/core/events.js';
import { testContext } from '../helpers/test-context.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'models/test/tiny-random.onnx';
const reference = JSON.parse(fs.readFileSync(path.join(root, 'models/test/tiny-random.reference.json'), 'utf8'));

/** Windows whose normalised values are exactly the committed reference input. */
function referenceWindows(): WindowEvent[] {
  const info = readModelInfo(path.join(root, MODEL));
  const { shape, data } = readNpy(path.join(root, 'models/test', reference.input.file));
  const plane = shape.slice(1).reduce((a, b) => a * b, 1);
  const { scale, mean, std } = info.normalization;
  return Array.from({ length: shape[0]! }, (_, i) => {
    const x = new Float32Array(plane);
    for (let k = 0; k < plane; k++) x[k] = (data[i * plane + k]! * std + mean) / (255 * scale);
    return { kind: 'window', seq: i, ptsMs: i * 33, examId: 'e', seqs: [i], shape: [1, 1, 9, 150, 150], data: x };
  });
}

const config = (extra: Record<string, unknown> = {}) =>
  ({ model: MODEL, providers: ['cpu'], onFallback: 'warn', batch: 8, threads: 0, warmup: true, ...extra }) as never;

describe('onnx-inference', () => {
  it('reproduces the PyTorch reference output within 1e-4', async () => {
    const op = await onnxInferenceStage.build(config(), testContext());
    const out = await firstValueFrom(from(referenceWindows() as PipelineEvent[]).pipe(op, toArray()));
    const preds = out.filter((e): e is PredictionEvent => e.kind === 'prediction');
    expect(preds).toHaveLength(2);
    preds.forEach((p, i) => {
      const [bg, lm1, lm2] = reference.outputs.landmark[i];
      expect(Math.abs(p.landmark.BG - bg)).toBeLessThan(1e-4);
      expect(Math.abs(p.landmark.LM1 - lm1)).toBeLessThan(1e-4);
      expect(Math.abs(p.landmark.LM2 - lm2)).toBeLessThan(1e-4);
      expect(Math.abs(p.pClosed - reference.outputs.vein[i][1])).toBeLessThan(1e-4);
      expect(p.modelId).toBe(reference.model_id);
    });
  }, 60_000);

  it('gives the same predictions at batch 1 and batch 8, in stream order', async () => {
    const windows = [...referenceWindows(), ...referenceWindows()].map((w, i) => ({ ...w, seq: i }));
    const marker: PipelineEvent = { kind: 'warning', atMs: 0, scope: 't', message: 'between' };
    const input: PipelineEvent[] = [windows[0]!, marker, ...windows.slice(1)];
    const run = async (batch: number) => firstValueFrom(from(input).pipe(await onnxInferenceStage.build(config({ batch }), testContext()), toArray()));
    const [a, b] = [await run(1), await run(8)];
    expect(a.map((e) => e.kind)).toEqual(['prediction', 'warning', 'prediction', 'prediction', 'prediction']);
    expect(b.map((e) => e.kind)).toEqual(a.map((e) => e.kind));
    a.forEach((e, i) => {
      if (e.kind === 'prediction') expect(Math.abs(e.pClosed - (b[i] as PredictionEvent).pClosed)).toBeLessThan(1e-5);
    });
  }, 60_000);

  it('fails validation when the window does not match the model input', async () => {
    const ctx = testContext();
    const result = await onnxInferenceStage.check!(config(), ctx, { windowShape: [1, 1, 5, 150, 150] });
    expect(result.problems?.[0]?.message).toMatch(/upstream window is \[1, 1, 5, 150, 150\].*takes \[1, 1, 9, 150, 150\]/);
  });

  it('names a missing model file clearly', async () => {
    const result = await onnxInferenceStage.check!(config({ model: 'models/nope.onnx' }), testContext(), {});
    expect(result.problems?.[0]).toMatchObject({ path: 'model' });
    expect(result.problems?.[0]?.message).toContain('model file not found');
  });

  it('never falls back silently: a provider that cannot start warns, or fails with onFallback error', async () => {
    const { openSession } = await import('../../src/model/open-session.js');
    const file = path.join(root, MODEL);
    const warnings: string[] = [];
    const opened = await openSession(file, { providers: ['webgpu', 'cpu'], onFallback: 'warn', warn: (m) => warnings.push(m), scope: 't' });
    if (opened.provider === 'webgpu') {
      // A machine with a GPU adapter: nothing was skipped, so nothing to warn about.
      expect(warnings).toEqual([]);
    } else {
      expect(opened.provider).toBe('cpu');
      expect(warnings[0]).toMatch(/webgpu .*unavailable; using cpu/);
      await expect(openSession(file, { providers: ['webgpu', 'cpu'], onFallback: 'error', scope: 't' })).rejects.toThrow(/unavailable; using cpu/);
    }
    await opened.session.release();
  }, 60_000);
});

describe('onnx-inference, streaming mode', () => {
  it('after the 8-frame warm-up equals the window model on the same frames (max abs diff <= 1e-4)', async () => {
    const ref = JSON.parse(fs.readFileSync(path.join(root, 'models/test/tiny-random.streaming.reference.json'), 'utf8'));
    const info = readModelInfo(path.join(root, 'models/test/tiny-random.streaming.onnx'));
    const { shape, data } = readNpy(path.join(root, 'models/test', ref.input.file));
    const [, , T, H, W] = shape as [number, number, number, number, number];
    const { scale, mean, std } = info.normalization;
    // Frames whose normalised values are the reference clip (the stage normalises pixel values).
    const frames: PipelineEvent[] = Array.from({ length: T }, (_, t) => {
      const pixels = new Float32Array(H * W);
      for (let k = 0; k < H * W; k++) pixels[k] = (data[t * H * W + k]! * std + mean) / scale;
      return {
        kind: 'frame',
        seq: t,
        ptsMs: t * 33,
        width: W,
        height: H,
        pixels: pixels as unknown as Uint8Array, // float pixels keep the parity exact; the stage only reads numbers
        source: { uri: 't', examId: 'e', frameIndex: t },
        meta: {},
      };
    });
    const op = await onnxInferenceStage.build(config({ model: 'models/test/tiny-random.onnx', mode: 'streaming' }), testContext());
    const out = await firstValueFrom(from(frames).pipe(op, toArray()));
    const preds = out.filter((e): e is PredictionEvent => e.kind === 'prediction');
    expect(preds.map((p) => p.seq)).toEqual([8, 9, 10, 11]);
    preds.forEach((p, i) => {
      const [bg, lm1, lm2] = ref.window_outputs_from_step_8.landmark[i];
      expect(Math.max(Math.abs(p.landmark.BG - bg), Math.abs(p.landmark.LM1 - lm1), Math.abs(p.landmark.LM2 - lm2))).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(p.pClosed - ref.window_outputs_from_step_8.vein[i][1])).toBeLessThanOrEqual(1e-4);
    });
  }, 60_000);

  it("gives the window mode's predictions on the same 8-bit frames", async () => {
    const { slidingWindow } = await import('../../src/stages/sliding-window.js');
    const frames: PipelineEvent[] = Array.from({ length: 14 }, (_, t) => {
      const pixels = new Uint8Array(150 * 150);
      for (let k = 0; k < pixels.length; k++) pixels[k] = (k * 7 + t * 31 + ((k / 150) | 0) * 3) & 255;
      return { kind: 'frame', seq: t, ptsMs: t * 33, width: 150, height: 150, pixels, source: { uri: 't', examId: 'e', frameIndex: t }, meta: {} };
    });
    const windowed = await firstValueFrom(
      from(frames).pipe(
        slidingWindow({ size: 9, step: 1, maxGapFrames: 2, onGap: 'reset' }),
        await onnxInferenceStage.build(config({ batch: 3 }), testContext()),
        toArray(),
      ),
    );
    const streamed = await firstValueFrom(from(frames).pipe(await onnxInferenceStage.build(config({ mode: 'streaming' }), testContext()), toArray()));
    const a = windowed.filter((e): e is PredictionEvent => e.kind === 'prediction');
    const b = streamed.filter((e): e is PredictionEvent => e.kind === 'prediction');
    expect(b.map((p) => p.seq)).toEqual(a.map((p) => p.seq));
    a.forEach((p, i) => {
      expect(Math.abs(p.pClosed - b[i]!.pClosed)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(p.landmark.LM1 - b[i]!.landmark.LM1)).toBeLessThanOrEqual(1e-4);
    });
  }, 60_000);

  it('restarts its cached state for a new exam', async () => {
    const frames = (examId: string, start: number): PipelineEvent[] =>
      Array.from({ length: 10 }, (_, i) => ({
        kind: 'frame',
        seq: start + i,
        ptsMs: i * 33,
        width: 150,
        height: 150,
        pixels: new Uint8Array(150 * 150).fill(100 + i),
        source: { uri: 't', examId, frameIndex: i },
        meta: {},
      }));
    const op = await onnxInferenceStage.build(config({ model: 'models/test/tiny-random.onnx', mode: 'streaming' }), testContext());
    const out = await firstValueFrom(from([...frames('a', 0), ...frames('b', 10)]).pipe(op, toArray()));
    const preds = out.filter((e): e is PredictionEvent => e.kind === 'prediction');
    expect(preds.map((p) => `${p.examId}:${p.seq}`)).toEqual(['a:8', 'a:9', 'b:18', 'b:19']);
    expect(preds[2]!.pClosed).toBeCloseTo(preds[0]!.pClosed, 5); // same frames, fresh state, same output
  }, 60_000);
});
