import path from 'node:path';
import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inputAffine, readModelInfo, type ModelInfo } from '../../../src/model/model-info.js';
import { onnxInferenceStage } from '../../../src/stages/onnx-inference/index.js';
import { WindowModel } from '../../../src/stages/onnx-inference/window-model.js';
import { WindowAssembler, windowFrames } from '../../../src/stages/sliding-window.js';
import type { InferenceSession } from 'onnxruntime-node';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../../src/core/events.js';
import { examEvents } from '../../helpers/frames.js';
import { testContext } from '../../helpers/test-context.js';
import { bits, dataBefore, windowStreams } from '../window-stream.js';
import { systemClock } from '../../../src/core/context.js';

const root = path.resolve(import.meta.dirname, '../../..');
const TINY = readModelInfo(path.join(root, 'models/test/tiny-random.onnx'));

/** A session that only records the model input of each call. */
function recordingSession(info: ModelInfo): { session: InferenceSession; inputs: Float32Array[] } {
  const inputs: Float32Array[] = [];
  const session = {
    run: async (feeds: Record<string, { data: Float32Array }>) => {
      inputs.push(Float32Array.from(feeds[info.inputName]!.data));
      return {};
    },
  } as unknown as InferenceSession;
  return { session, inputs };
}

const clock = { ...systemClock, now: () => 0, monotonic: () => 0 };
const normalization = fc.record({
  scale: fc.constantFrom(1, 1 / 255, 0.5),
  mean: fc.double({ min: -2, max: 2, noNaN: true }),
  std: fc.double({ min: 0.01, max: 3, noNaN: true }),
});

/** The model input as it was made before issue 9: the affine on each value of the window's Float32 data. */
function inputBefore(data: Float32Array, info: ModelInfo): Float32Array {
  const { a, b } = inputAffine(info, 'window');
  const out = new Float32Array(data.length);
  for (let k = 0; k < data.length; k++) out[k] = a * data[k]! + b;
  return out;
}

describe('WindowModel input', () => {
  it('is bit for bit the affine on the old Float32 window, for windows of any size, step, gaps and exams, mixed with copies in one batch', async () => {
    await fc.assert(
      fc.asyncProperty(windowStreams(4), normalization, fc.integer({ min: 1, max: 5 }), async ({ events, ...config }, norm, batch) => {
        const info: ModelInfo = { ...TINY, frames: config.size, height: 2, width: 3, normalization: norm };
        const assembler = new WindowAssembler({ ...config, onGap: 'reset' });
        const windows = events.flatMap((e) => assembler.push(e)).filter((e): e is WindowEvent => e.kind === 'window');
        // Every third window as a plain copy (what a stage spreading the event passes on): the path through `data`.
        const fed = windows.map((w, i) => (i % 3 === 2 ? { ...w } : w));
        const { session, inputs } = recordingSession(info);
        const model = new WindowModel(session, info, batch, clock);
        for (let i = 0; i < fed.length; i += batch) await model.run(fed.slice(i, i + batch));
        const plane = config.size * 6;
        const got = inputs.flatMap((input) => Array.from({ length: input.length / plane }, (_, k) => input.subarray(k * plane, (k + 1) * plane)));
        expect(got).toHaveLength(windows.length);
        windows.forEach((w, i) => expect(bits(got[i]!)).toEqual(bits(inputBefore(dataBefore(w, events), info))));
      }),
      { numRuns: 200 },
    );
  });

  it('maps every pixel value 0..255 exactly as the old path did, for the shipped model and odd normalisations', async () => {
    const shipped = readModelInfo(path.join(root, 'models/autodvt.onnx'));
    for (const normalization of [shipped.normalization, { scale: 1 / 255, mean: 0.1234567, std: 0.3210987 }, { scale: 1, mean: 127.5, std: 127.5 }]) {
      const info: ModelInfo = { ...TINY, frames: 2, height: 16, width: 16, normalization };
      const pixels = Uint8Array.from({ length: 256 }, (_, p) => p);
      const input: PipelineEvent[] = [0, 1].map((seq) => ({
        kind: 'frame',
        seq,
        ptsMs: 0,
        width: 16,
        height: 16,
        pixels: seq === 0 ? pixels : pixels.slice().reverse(),
        source: { uri: 'test:', examId: 'e', frameIndex: seq },
        meta: {},
      }));
      const assembler = new WindowAssembler({ size: 2, step: 1, maxGapFrames: 0, onGap: 'reset' });
      const [w] = input.flatMap((e) => assembler.push(e)).filter((e): e is WindowEvent => e.kind === 'window');
      expect(windowFrames(w!)).toBeDefined();
      const { session, inputs } = recordingSession(info);
      await new WindowModel(session, info, 1, clock).run([w!]);
      expect(bits(inputs[0]!)).toEqual(bits(inputBefore(dataBefore(w!, input), info)));
    }
  });

  it('warms up on one window of the model input for black (the normalised zero)', async () => {
    const { session, inputs } = recordingSession(TINY);
    await new WindowModel(session, TINY, 4, clock).run([]);
    const { b } = inputAffine(TINY, 'window');
    expect(inputs[0]).toHaveLength(TINY.frames * TINY.height * TINY.width);
    expect(inputs[0]!.every((v) => v === Math.fround(b))).toBe(true);
  });

  it('rejects a window from sliding-window that does not fit the model, without reading its data', async () => {
    const assembler = new WindowAssembler({ size: 3, step: 1, maxGapFrames: 2, onGap: 'reset' });
    const [w] = examEvents(3, 150, 150)
      .flatMap((e) => assembler.push(e))
      .filter((e): e is WindowEvent => e.kind === 'window');
    const { session } = recordingSession(TINY);
    await expect(new WindowModel(session, TINY, 1, clock).run([w!])).rejects.toThrow(/has shape \[1, 1, 3, 150, 150\], the model takes \[1, 1, 9, 150, 150\]/);
  });
});

describe('onnx-inference on windows from sliding-window', () => {
  it('predicts exactly what it predicts for plain copies of the same windows', async () => {
    const assembler = new WindowAssembler({ size: 9, step: 2, maxGapFrames: 2, onGap: 'reset' });
    const events = [...examEvents(14, 150, 150, 'a'), ...examEvents(11, 150, 150, 'b')].flatMap((e) => assembler.push(e));
    const copies = events.map((e) => (e.kind === 'window' ? { ...e } : e));
    const config = {
      model: 'models/test/tiny-random.onnx',
      providers: ['cpu'],
      onFallback: 'warn',
      batch: 3,
      threads: 0,
      warmup: false,
      mode: 'window',
      maxGapFrames: 2,
    } as never;
    const run = async (input: PipelineEvent[]) => firstValueFrom(from(input).pipe(await onnxInferenceStage.build(config, testContext()), toArray()));
    const [fast, plain] = [await run(events), await run(copies)];
    const predictions = (out: PipelineEvent[]) => out.filter((e): e is PredictionEvent => e.kind === 'prediction').map(({ latencyMs: _, ...p }) => p);
    expect(predictions(fast)).toHaveLength(5);
    expect(predictions(fast)).toEqual(predictions(plain));
  }, 60_000);
});
