import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrossExamBatcher, type BatchRecord } from '../../src/model/cross-exam-batcher.js';

/** A fake model: doubles each item; records every call. */
function fakeModel(opts: { failOn?: number } = {}) {
  const calls: number[][] = [];
  const run = async (items: number[]) => {
    calls.push([...items]);
    await new Promise((r) => setImmediate(r));
    if (opts.failOn !== undefined && items.includes(opts.failOn)) throw new Error(`bad item ${opts.failOn}`);
    return items.map((x) => x * 2);
  };
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('cross-exam batcher', () => {
  it('runs a full batch at once, with items of several exams in it', async () => {
    const model = fakeModel();
    const records: BatchRecord[] = [];
    const batcher = new CrossExamBatcher(4, model.run, (b) => records.push(b));
    const a = batcher.attach();
    const b = batcher.attach();
    const results = [a.submit(1), b.submit(2), a.submit(3), b.submit(4)];
    expect(await Promise.all(results)).toEqual([2, 4, 6, 8]);
    expect(model.calls).toEqual([[1, 2, 3, 4]]);
    expect(records).toEqual([{ size: 4, clients: 2 }]);
  });

  it('waits for a busy exam, and runs the partial batch once every exam waits', async () => {
    const model = fakeModel();
    const batcher = new CrossExamBatcher(8, model.run);
    const a = batcher.attach();
    const b = batcher.attach();
    const aDone = a.wait(Promise.all([a.submit(1), a.submit(2)]));
    await tick();
    await tick();
    expect(model.calls).toEqual([]); // b is still producing: it may add to the batch
    const bDone = b.wait(b.submit(3));
    expect(await aDone).toEqual([2, 4]);
    expect(await bDone).toBe(6);
    expect(model.calls).toEqual([[1, 2, 3]]);
  });

  it('batches a lone exam exactly as on its own: when its batch is full or it waits', async () => {
    const model = fakeModel();
    const batcher = new CrossExamBatcher(3, model.run);
    const a = batcher.attach();
    const first = [a.submit(1), a.submit(2), a.submit(3)];
    const tail = a.submit(4);
    await a.wait(Promise.all([...first, tail]));
    expect(model.calls).toEqual([[1, 2, 3], [4]]);
  });

  it('drops the pending items of an exam that leaves, and the exams left go on', async () => {
    const model = fakeModel();
    const batcher = new CrossExamBatcher(8, model.run);
    const a = batcher.attach();
    const b = batcher.attach();
    const gone = b.submit(10);
    const aDone = a.wait(a.submit(1));
    await tick();
    expect(model.calls).toEqual([]);
    b.detach(); // b failed mid-way: a is now the only exam, and it waits
    await expect(gone).rejects.toThrow(/left the shared batcher/);
    expect(await aDone).toBe(2);
    expect(model.calls).toEqual([[1]]);
    expect(batcher.attached).toBe(1);
  });

  it('fails only the items of a failing call, then keeps batching', async () => {
    const model = fakeModel({ failOn: 13 });
    const batcher = new CrossExamBatcher(2, model.run);
    const a = batcher.attach();
    const bad = [a.submit(13), a.submit(1)];
    await expect(a.wait(Promise.all(bad))).rejects.toThrow(/bad item 13/);
    expect(await a.wait(a.submit(5))).toBe(10);
  });

  it('property: exams of any lengths and local batch limits all finish, each item with its own result, no call over the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.record({ items: fc.integer({ min: 0, max: 30 }), delayEvery: fc.integer({ min: 1, max: 5 }), failAt: fc.option(fc.integer({ min: 0, max: 30 })) }),
          { minLength: 1, maxLength: 5 },
        ),
        async (maxBatch, exams) => {
          const model = fakeModel();
          const batcher = new CrossExamBatcher(maxBatch, model.run);
          // Each exam: submit its items (yielding now and then, as decoding does), wait when
          // it holds maxBatch without results, wait for all at the end, then leave.
          const runExam = async (e: (typeof exams)[number], id: number) => {
            const client = batcher.attach();
            const held: Promise<number>[] = [];
            try {
              for (let i = 0; i < e.items; i++) {
                if (e.failAt === i) throw new Error('exam failed');
                if (i % e.delayEvery === 0) await tick();
                held.push(client.submit(id * 1000 + i));
                if (held.length >= maxBatch) {
                  const out = await client.wait(Promise.all(held.splice(0)));
                  expect(out.every((x) => x % 2 === 0)).toBe(true);
                }
              }
              const out = await client.wait(Promise.all(held));
              return out;
            } catch {
              return 'failed';
            } finally {
              client.detach();
            }
          };
          const results = await Promise.race([Promise.all(exams.map(runExam)), new Promise<'deadlock'>((r) => setTimeout(() => r('deadlock'), 2000))]);
          expect(results).not.toBe('deadlock');
          expect(model.calls.every((c) => c.length >= 1 && c.length <= maxBatch)).toBe(true);
          const ran = new Set(model.calls.flat());
          exams.forEach((e, id) => {
            if (e.failAt !== null && e.failAt !== undefined && e.failAt < e.items) return;
            for (let i = 0; i < e.items; i++) expect(ran.has(id * 1000 + i)).toBe(true);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
