import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/video/ffmpeg-log.js';
import { FrameClock } from '../../src/video/frame-clock.js';
import { RawVideoReader } from '../../src/video/raw-video-reader.js';
import type { DecodedFrame } from '../../src/video/video-types.js';

const SHOWINFO = '[Parsed_showinfo_0 @ 0xef4a60] [info]';
const frameLine = (n: number, pts: number | 'NOPTS', w: number, h: number) =>
  `${SHOWINFO} n:${String(n).padStart(4)} pts:${String(pts).padStart(7)} pts_time:0.1 pos:  36 fmt:yuv420p sar:1/1 s:${w}x${h} i:P iskey:1 type:I`;

describe('parseLogLine', () => {
  it('reads the frame number, pts and size of a showinfo frame line', () => {
    expect(parseLogLine(frameLine(3, 3072, 800, 600))).toEqual({ kind: 'frame', n: 3, pts: 3072, width: 800, height: 600 });
    expect(parseLogLine(frameLine(0, 'NOPTS', 16, 8))).toMatchObject({ kind: 'frame', pts: null });
  });

  it('reads the time base and frame rate of the showinfo config line', () => {
    expect(parseLogLine(`${SHOWINFO} config in time_base: 1/12288, frame_rate: 12/1`)).toEqual({
      kind: 'time-base',
      num: 1,
      den: 12288,
      frameRate: { num: 12, den: 1 },
    });
  });

  it('tells error lines apart by their level tag and strips the tags', () => {
    expect(parseLogLine('[mov,mp4 @ 0x55] [error] stream 0, offset 0xd5b5b: partial file')).toEqual({
      kind: 'error',
      message: 'stream 0, offset 0xd5b5b: partial file',
    });
    expect(parseLogLine('[info] Stream mapping:')).toEqual({ kind: 'other', message: 'Stream mapping:' });
  });
});

describe('FrameClock', () => {
  it('gives ms from the first frame in the exact time base', () => {
    const clock = new FrameClock();
    clock.setTimeBase(1, 18304, { num: 143, den: 6 });
    expect([768, 1536, 2304].map((p) => clock.next(p))).toEqual([0, (768 * 1000) / 18304, (1536 * 1000) / 18304]);
  });

  it('places frames without a pts one nominal frame after the previous one', () => {
    const clock = new FrameClock();
    clock.setTimeBase(1, 90000, { num: 25, den: 1 });
    expect([null, null, 7200, null].map((p) => clock.next(p))).toEqual([0, 40, 80, 120]);
  });
});

function feedLines(reader: RawVideoReader, sizes: [number, number][]): void {
  reader.pushLine(`${SHOWINFO} config in time_base: 1/1000, frame_rate: 25/1`);
  sizes.forEach(([w, h], n) => reader.pushLine(frameLine(n, 500 + 40 * n, w, h)));
  reader.endLog();
}

async function readAll(reader: RawVideoReader, chunks: Uint8Array[]): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for (const chunk of chunks) for await (const frame of reader.consume(chunk)) frames.push(frame);
  return frames;
}

describe('RawVideoReader', () => {
  it('cuts the same frames out of the output wherever the chunk boundaries fall', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        async (sizes, cuts) => {
          const total = sizes.reduce((s, [w, h]) => s + w * h, 0);
          const bytes = Uint8Array.from({ length: total }, (_, i) => (i * 7) & 255);
          const chunks: Uint8Array[] = [];
          for (let at = 0, k = 0; at < total; k++) {
            const len = cuts[k % cuts.length];
            chunks.push(bytes.subarray(at, at + len));
            at += len;
          }
          const reader = new RawVideoReader('clip.mp4');
          feedLines(reader, sizes);
          const frames = await readAll(reader, chunks);
          expect(frames.map((f) => [f.width, f.height])).toEqual(sizes);
          expect(frames.map((f) => f.ptsMs)).toEqual(sizes.map((_, n) => 40 * n));
          expect(Buffer.concat(frames.map((f) => f.pixels))).toEqual(Buffer.from(bytes));
          expect(reader.partialBytes).toBe(0);
        },
      ),
    );
  });

  it('waits for a frame line that arrives after the frame bytes (stderr read later than stdout)', async () => {
    const reader = new RawVideoReader('clip.mp4');
    const pending = readAll(reader, [new Uint8Array([1, 2, 3, 4])]);
    setTimeout(() => feedLines(reader, [[2, 2]]), 10);
    const frames = await pending;
    expect(frames).toHaveLength(1);
    expect(Array.from(frames[0].pixels)).toEqual([1, 2, 3, 4]);
  });

  it('keeps a cut-off last frame as partial bytes instead of emitting it', async () => {
    const reader = new RawVideoReader('clip.mp4');
    feedLines(reader, [
      [2, 2],
      [2, 2],
    ]);
    const frames = await readAll(reader, [new Uint8Array(6)]);
    expect(frames).toHaveLength(1);
    expect(reader.partialBytes).toBe(2);
  });

  it('fails clearly when bytes arrive for a frame ffmpeg never announced', async () => {
    const reader = new RawVideoReader('clip.mp4');
    reader.endLog();
    await expect(readAll(reader, [new Uint8Array(4)])).rejects.toThrow(/clip\.mp4 without announcing the frame/);
  });
});
