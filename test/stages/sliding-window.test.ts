import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { slidingWindow, WindowAssembler, windowFrames } from '../../src/stages/sliding-window.js';
import type { PipelineEvent, WindowEvent } from '../../src/core/events.js';
import { grayFrame } from '../helpers/frames.js';
import { bits, dataBefore, windowStreams } from './window-stream.js';

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
    for (let t = 0; t < 5; t++) for (let i = 0; i < 12; i++) expect(w!.data[t * 12 + i]).toBeCloseTo(input[t]!.pixels[i]! / 255, 6);
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

  it('data is bit for bit the Float32 block of pixel/255 it was before, for any size, step, gaps and exam boundaries', () => {
    fc.assert(
      fc.property(windowStreams(), ({ events, ...config }) => {
        const assembler = new WindowAssembler({ ...config, onGap: 'reset' });
        const windows = events.flatMap((e) => assembler.push(e)).filter((e): e is WindowEvent => e.kind === 'window');
        for (const w of windows) {
          const own = events.filter((e) => e.kind === 'frame' && w.seqs.includes(e.seq));
          expect(own.every((f) => f.kind === 'frame' && f.source.examId === w.examId)).toBe(true);
          expect(w.seqs.slice(1).every((s, i) => s - w.seqs[i]! - 1 <= config.maxGapFrames)).toBe(true);
          expect(w.data).toHaveLength(config.size * 6);
          expect(bits(w.data)).toEqual(bits(dataBefore(w, events)));
          expect(windowFrames(w)!.map((f) => Array.from(f))).toEqual(
            w.seqs.map((s) => Array.from((events.find((e) => e.kind === 'frame' && e.seq === s) as { pixels: Uint8Array }).pixels)),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its own copy of each frame: a window does not change when the frame buffers are reused later', () => {
    const input = frames(6);
    const assembler = new WindowAssembler({ size: 3, step: 1, maxGapFrames: 2, onGap: 'reset' });
    const windows = input.flatMap((f) => assembler.push(f)).filter((e): e is WindowEvent => e.kind === 'window');
    const expected = windows.map((w) => bits(dataBefore(w, input)));
    for (const f of input) f.pixels.fill(7);
    expect(windows.map((w) => bits(w.data))).toEqual(expected);
  });

  it('builds data once, on first read', () => {
    const assembler = new WindowAssembler({ size: 2, step: 1, maxGapFrames: 2, onGap: 'reset' });
    const w = [...frames(2)].flatMap((f) => assembler.push(f)).find((e): e is WindowEvent => e.kind === 'window')!;
    expect(w.data).toBe(w.data);
  });

  it('a copy of a window ({ ...window }) carries the same data and no frames', () => {
    const input = frames(4);
    const assembler = new WindowAssembler({ size: 4, step: 1, maxGapFrames: 2, onGap: 'reset' });
    const w = input.flatMap((f) => assembler.push(f)).find((e): e is WindowEvent => e.kind === 'window')!;
    const copy = { ...w, saliency: undefined };
    expect(windowFrames(copy)).toBeUndefined();
    expect(bits(copy.data)).toEqual(bits(dataBefore(w, input)));
  });

  it('a window given new data no longer offers its frames', () => {
    const assembler = new WindowAssembler({ size: 1, step: 1, maxGapFrames: 2, onGap: 'reset' });
    const w = frames(1)
      .flatMap((f) => assembler.push(f))
      .find((e): e is WindowEvent => e.kind === 'window')!;
    const data = new Float32Array(12).fill(0.5);
    w.data = data;
    expect(w.data).toBe(data);
    expect(windowFrames(w)).toBeUndefined();
  });
});
