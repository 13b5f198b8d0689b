/** Small frames for the live tests. */
import type { FrameEvent } from '../../src/core/events.js';

export function frameEvent(seq: number, captureTimeMs?: number): FrameEvent {
  return {
    kind: 'frame',
    seq,
    ptsMs: seq * 33,
    captureTimeMs,
    width: 2,
    height: 2,
    pixels: new Uint8Array(4),
    source: { uri: 'test', examId: 'exam-1', frameIndex: seq },
    meta: {},
  };
}
