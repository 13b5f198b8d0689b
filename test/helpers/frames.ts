/** Build test events without a source. */
import type { FrameEvent, PipelineEvent } from '../../src/core/events.js';

export function grayFrame(seq: number, width: number, height: number, fill: (x: number, y: number) => number = () => 128, examId = 'exam-1'): FrameEvent {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = fill(x, y);
  return {
    kind: 'frame',
    seq,
    ptsMs: seq * 33.3,
    width,
    height,
    pixels,
    source: { uri: 'test:', examId, frameIndex: seq },
    meta: {},
  };
}

export function examEvents(n: number, width = 150, height = 150, examId = 'exam-1'): PipelineEvent[] {
  const events: PipelineEvent[] = [{ kind: 'exam-start', examId, uri: 'test:' }];
  for (let i = 0; i < n; i++) events.push(grayFrame(i, width, height, (x, y) => (x * 7 + y * 13 + i) & 255, examId));
  events.push({ kind: 'exam', examId, uri: 'test:', frames: n, durationMs: n * 33.3 });
  return events;
}
