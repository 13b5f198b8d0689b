import fs from 'node:fs';
import path from 'node:path';
import { firstValueFrom, from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/dataset/read-npy.js';
import { readModelInfo } from '../../src/model/model-info.js';
import { SharedInference } from '../../src/model/shared-inference.js';
import { onnxInferenceStage } from '../../src/stages/onnx-inference/index.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../src/core/events.js';
import { testContext } from '../helpers/test-context.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'models/test/tiny-random.onnx';
const reference = JSON.parse(fs.readFileSync(path.join(root, 'models/test/tiny-random.reference.json'), 'utf8'));
const config = (extra: Record<string, unknown> = {}) =>
  ({ model: MODEL, providers: ['cpu'], onFallback: 'warn', batch: 4, threads: 0, warmup: true, mode: 'window', maxGapFrames: 2, ...extra }) as never;

/** Distinct windows for exam `examId`: the reference input, shifted a little per window. */
function windows(examId: string, n: number): WindowEvent[] {
  const info = readModelInfo(path.join(root, MODEL));
  const { shape, data } = readNpy(path.join(root, 'models/test', reference.input.file));
  const plane = shape.slice(1).reduce((a, b) => a * b, 1);
  const { scale, mean, std } = info.normalization;
  return Array.from({ length: n }, (_, i) => {
    const x = new Float32Array(plane);
    const src = i % shape[0]!;
    for (let k = 0; k < plane; k++)
      x[k] = Math.min(1, Math.max(0, (data[src * plane + k]! * std + mean) / (255 * scale) + 0.01 * i + (examId === 'b' ? 0.02 : 0)));
    return { kind: 'window', seq: 100 + i, ptsMs: i * 33, examId, seqs: [100 + i], shape: [1, 1, 9, 150, 150], data: x };
  });
}

const examEnd = (examId: string): PipelineEvent => ({ kind: 'exam', examId, frames: 0, durationMs: 0 }) as unknown as PipelineEvent;
const tick = () => new Promise((r) => setImmediate(r));

async function solo(events: PipelineEvent[]): Promise<PipelineEvent[]> {
  return firstValueFrom(from(events).pipe(await onnxInferenceStage.build(config(), testContext()), toArray()));
}

function expectSame(shared: PipelineEvent[], alone: PipelineEvent[]): void {
  expect(shared.map((e) => `${e.kind}:${'seq' in e ? e.seq : ''}`)).toEqual(alone.map((e) => `${e.kind}:${'seq' in e ? e.seq : ''}`));
  shared.forEach((e, i) => {
    if (e.kind !== 'prediction') return;
    const o = alone[i] as PredictionEvent;
    for (const k of ['BG', 'LM1', 'LM2'] as const) expect(Math.abs(e.landmark[k] - o.landmark[k])).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(e.pClosed - o.pClosed)).toBeLessThanOrEqual(1e-5);
  });
}

describe('shared inference across exams', () => {
  it('puts windows of two exams into one model call, and each exam gets what it gets alone (1e-5), in order', async () => {
    const inference = new SharedInference();
    const [opA, opB] = [
      await onnxInferenceStage.build(config(), testContext({ inference })),
      await onnxInferenceStage.build(config(), testContext({ inference })),
    ];
    const a = new Subject<PipelineEvent>();
    const b = new Subject<PipelineEvent>();
    const outA = lastValueFrom(a.pipe(opA, toArray()));
    const outB = lastValueFrom(b.pipe(opB, toArray()));
    const inA: PipelineEvent[] = [...windows('a', 5), examEnd('a')];
    const inB: PipelineEvent[] = [...windows('b', 6), examEnd('b')];
    const warm = inference.stats().calls; // the warm-up call is not made through the batcher
    // a sends 3 windows, b sends 3: the 4th window pending fills a batch of 4 (3 of a + 1 of b).
    for (const e of inA.slice(0, 3)) a.next(e);
    await tick();
    for (const e of inB.slice(0, 3)) b.next(e);
    await tick();
    await tick();
    expect(inference.stats()).toMatchObject({ calls: warm + 1, mixedCalls: 1, largestBatch: 4, sessions: 1 });
    for (const e of inA.slice(3)) a.next(e);
    for (const e of inB.slice(3)) b.next(e);
    a.complete();
    b.complete();
    const [sharedA, sharedB] = await Promise.all([outA, outB]);
    const s = inference.stats();
    expect(s.items).toBe(11);
    expect(
      Object.keys(s.sizes)
        .map(Number)
        .every((n) => n <= 4),
    ).toBe(true);
    expectSame(sharedA, await solo(inA));
    expectSame(sharedB, await solo(inB));
    await inference.close();
  }, 60_000);

  it('runs a partial batch once every attached exam waits, and an exam that fails leaves without holding up the others', async () => {
    const inference = new SharedInference();
    const [opA, opB] = [
      await onnxInferenceStage.build(config({ batch: 8 }), testContext({ inference })),
      await onnxInferenceStage.build(config({ batch: 8 }), testContext({ inference })),
    ];
    const a = new Subject<PipelineEvent>();
    const b = new Subject<PipelineEvent>();
    const outA = lastValueFrom(a.pipe(opA, toArray()));
    const outB = lastValueFrom(b.pipe(opB, toArray())).catch((err: Error) => err);
    for (const e of windows('a', 2)) a.next(e);
    a.next(examEnd('a')); // a waits for its 2 windows; b is busy (has 1 pending, not waiting)
    for (const e of windows('b', 1)) b.next(e);
    await tick();
    await tick();
    expect(inference.stats().calls).toBe(0);
    b.error(new Error('decoder failed mid-way')); // b leaves: a is the only exam, and it waits
    expect(await outB).toBeInstanceOf(Error);
    await tick();
    await tick();
    // a's 2 windows ran as soon as b left (before a's stream ended): nothing waits on b.
    expect(inference.stats()).toMatchObject({ calls: 1, items: 2, mixedCalls: 0 });
    a.complete();
    expectSame(await outA, await solo([...windows('a', 2), examEnd('a')]));
    await inference.close();
  }, 60_000);

  it('an exam that has not sent a window yet (still opening its input) keeps nobody waiting', async () => {
    const inference = new SharedInference();
    const [opA, opSlow] = [
      await onnxInferenceStage.build(config({ batch: 8 }), testContext({ inference })),
      await onnxInferenceStage.build(config({ batch: 8 }), testContext({ inference })),
    ];
    const a = new Subject<PipelineEvent>();
    const slow = new Subject<PipelineEvent>();
    const outA = lastValueFrom(a.pipe(opA, toArray()));
    const outSlow = lastValueFrom(slow.pipe(opSlow, toArray()));
    slow.next({ kind: 'warning', atMs: 0, scope: 't', message: 'still opening' });
    for (const e of [...windows('a', 3), examEnd('a')]) a.next(e);
    a.complete();
    expect((await outA).filter((e) => e.kind === 'prediction')).toHaveLength(3);
    expect(inference.stats()).toMatchObject({ calls: 1, items: 3 });
    slow.complete();
    expect(await outSlow).toHaveLength(1);
    await inference.close();
  }, 60_000);

  it('opens one session per model and options, and keeps a batcher per batch size', async () => {
    const inference = new SharedInference();
    await onnxInferenceStage.build(config(), testContext({ inference }));
    await onnxInferenceStage.build(config(), testContext({ inference }));
    await onnxInferenceStage.build(config({ batch: 2 }), testContext({ inference }));
    expect(inference.stats().sessions).toBe(1);
    await onnxInferenceStage.build(config({ threads: 1 }), testContext({ inference }));
    expect(inference.stats().sessions).toBe(2);
    await inference.close();
  }, 60_000);
});
