import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { slidingWindow } from '../../src/stages/sliding-window.js';
import type { PipelineEvent, WindowEvent } from '../../src/events.js';
import { grayFrame } from '../helpers/frames.js';

async function run(events: PipelineEvent[], size: number, step: number, maxGapFrames = 2, warn: (m: string) => void = () => {}) {
  const out = await firstValueFrom(from(events).pipe(slidingWindow({ size, step, maxGapFrames, onGap: 'reset' }, { warn }), toArray()));
  return out.filter((e): e is WindowEvent => e.kind === 'window');
}

const frames = (n: number, start = 0) => Array.from({ length: n }, (_, i) => grayFrame(start + i, 4, 3, (x, y) => (x + y + i) & 255));

describe('sliding-window', () => {
  it('emits floor((n - size) / step) + 1 windows for n >= size frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5 }), async (n, size, step) => {
        const windows = await run(frames(n), size, step);
        expect(windows.length).toBe(n >= size ? Math.floor((n - size) / step) + 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('lays out frames oldest first as pixel/255 in [1, 1, T, H, W]', async () => {
    const input = frames(5);
    const [w] = await run(input, 5, 1);
    expect(w!.shape).toEqual([1, 1, 5, 3, 4]);
    expect(w!.seqs).toEqual([0, 1, 2, 3, 4]);
    for (let t = 0; t < 5; t++)
      for (let i = 0; i < 12; i++) expect(w!.data[t * 12 + i]).toBeCloseTo(input[t]!.pixels[i]! / 255, 6);
  });

  it('never spans two exams', async () => {
    const a = frames(5).map((f) => ({ ...f, source: { ...f.source, examId: 'a' } }));
    const b = frames(5, 5).map((f) => ({ ...f, source: { ...f.source, examId: 'b' } }));
    const windows = await run([...a, ...b], 4, 1);
    expect(windows.map((w) => w.examId)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('bridges a gap up to maxGapFrames and says so in seqs', async () => {
    const input = [...frames(3), ...frames(3, 5)];
    const windows = await run(input, 4, 1, 2);
    expect(windows[0]!.seqs).toEqual([0, 1, 2, 5]);
  });

  it('starts a fresh window after a larger gap, with a warning', async () => {
    const warnings: string[] = [];
    const input = [...frames(3), ...frames(4, 10)];
    const windows = await run(input, 4, 1, 2, (m) => warnings.push(m));
    expect(windows.map((w) => w.seqs)).toEqual([[10, 11, 12, 13]]);
    expect(warnings[0]).toContain('7 frames missing before seq 10');
  });

  it('passes every other event through in order', async () => {
    const marker: PipelineEvent = { kind: 'warning', atMs: 0, scope: 't', message: 'm' };
    const out = await firstValueFrom(from([marker, ...frames(2)]).pipe(slidingWindow({ size: 9, step: 1, maxGapFrames: 2, onGap: 'reset' }), toArray()));
    expect(out[0]).toBe(marker);
    expect(out.map((e) => e.kind)).toEqual(['warning', 'frame', 'frame']);
  });
});
