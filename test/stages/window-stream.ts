/**
 * Random frame streams for the window properties (sliding-window, the model's input):
 * seqs with gaps of any size, exam switches with or without an `exam-start`, and the
 * window each stream gives as the stage before issue 9 built it (a fresh Float32 block
 * of pixel * (1/255), oldest frame first), to compare with bit for bit.
 */
import fc from 'fast-check';
import type { FrameEvent, PipelineEvent, WindowEvent } from '../../src/core/events.js';

export interface WindowStream {
  size: number;
  step: number;
  maxGapFrames: number;
  events: PipelineEvent[];
}

const step = fc.record({
  gap: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 1 }),
  exam: fc.oneof(
    { arbitrary: fc.constant<'same' | 'new' | 'new-announced'>('same'), weight: 8 },
    { arbitrary: fc.constantFrom<'new' | 'new-announced'>('new', 'new-announced'), weight: 1 },
  ),
  pixels: fc.uint8Array({ minLength: 6, maxLength: 6 }),
});

/** Frames of 3x2 pixels; seqs rise through the whole stream, so a seq names one frame. */
export const windowStreams = (maxSize = 5): fc.Arbitrary<WindowStream> =>
  fc
    .record({
      size: fc.integer({ min: 1, max: maxSize }),
      step: fc.integer({ min: 1, max: 3 }),
      maxGapFrames: fc.integer({ min: 0, max: 2 }),
      steps: fc.array(step, { maxLength: 40 }),
    })
    .map(({ size, step: stride, maxGapFrames, steps }) => {
      const events: PipelineEvent[] = [];
      let seq = -1;
      let exam = 0;
      for (const s of steps) {
        seq += 1 + s.gap;
        if (s.exam !== 'same') exam++;
        const examId = `exam-${exam}`;
        if (s.exam === 'new-announced') events.push({ kind: 'exam-start', examId, uri: 'test:' });
        events.push(frame(seq, examId, s.pixels));
      }
      return { size, step: stride, maxGapFrames, events };
    });

function frame(seq: number, examId: string, pixels: Uint8Array): FrameEvent {
  return { kind: 'frame', seq, ptsMs: seq * 33, width: 3, height: 2, pixels, source: { uri: 'test:', examId, frameIndex: seq }, meta: {} };
}

/** The window's data as sliding-window built it before: Float32(pixel * (1/255)) of its frames, oldest first. */
export function dataBefore(window: WindowEvent, events: PipelineEvent[]): Float32Array {
  const bySeq = new Map(events.flatMap((e) => (e.kind === 'frame' ? [[e.seq, e] as const] : [])));
  const inv = 1 / 255;
  return Float32Array.from(window.seqs.flatMap((s) => Array.from(bySeq.get(s)!.pixels, (p) => p * inv)));
}

/** The bits of each value, so that equality is exact (no tolerance, -0 !== 0). */
export const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
