import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReadTarget } from '../../src/video/frame-read-target.js';
import { RawVideoReader } from '../../src/video/raw-video-reader.js';
import type { DecodedFrame } from '../../src/video/video-types.js';

const SHOWINFO = '[Parsed_showinfo_0 @ 0xef4a60] [info]';
const frameLine = (n: number, w: number, h: number) =>
  `${SHOWINFO} n:${String(n).padStart(4)} pts:${String(500 + 40 * n).padStart(7)} pts_time:0.1 pos:  36 fmt:yuv420p sar:1/1 s:${w}x${h} i:P iskey:1 type:I`;

const streamBytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 255);

/** Reads `bytes` into the target as a socket would: each read fills the start of `next()`, at most `size` bytes. */
function read(target: FrameReadTarget, bytes: Uint8Array, at: number, size: number): number {
  const into = target.next();
  expect(into.length).toBeGreaterThan(0);
  const n = Math.min(size, into.length, bytes.length - at);
  into.set(bytes.subarray(at, at + n));
  target.wrote(n);
  return n;
}

function takeAll(reader: RawVideoReader): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  for (let f = reader.take(); f; f = reader.take()) frames.push(f);
  return frames;
}

describe('FrameReadTarget', () => {
  it('gives the same frames wherever reads end and whenever the frame lines arrive', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 20 }),
        // true: the next frame line arrives before the next read
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        // true: the consumer drains right after a line (else reads may come first, as on two pipes)
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 16 }),
        (sizes, reads, lineFirst, drainNow, scratchBytes) => {
          const bytes = streamBytes(sizes.reduce((s, [w, h]) => s + w * h, 0));
          const reader = new RawVideoReader('clip.mp4');
          const target = new FrameReadTarget(reader, scratchBytes);
          reader.pushLine(`${SHOWINFO} config in time_base: 1/1000, frame_rate: 25/1`);
          let lines = 0;
          let at = 0;
          const frames: DecodedFrame[] = [];
          for (let step = 0; lines < sizes.length || at < bytes.length; step++) {
            if (lines < sizes.length && (at === bytes.length || lineFirst[step % lineFirst.length])) {
              reader.pushLine(frameLine(lines, ...sizes[lines]!));
              if (drainNow[lines % drainNow.length]) target.drain();
              lines++;
            } else {
              at += read(target, bytes, at, reads[step % reads.length]!);
            }
            if (at === bytes.length) target.drain();
            frames.push(...takeAll(reader));
          }
          reader.endLog();
          target.drain();
          frames.push(...takeAll(reader));
          expect(target.waiting).toBe(0);
          expect(reader.partialBytes).toBe(0);
          expect(frames.map((f) => [f.width, f.height])).toEqual(sizes);
          expect(frames.map((f) => f.index)).toEqual(sizes.map((_, n) => n));
          expect(frames.map((f) => f.ptsMs)).toEqual(sizes.map((_, n) => 40 * n));
          expect(Buffer.concat(frames.map((f) => f.pixels))).toEqual(Buffer.from(bytes));
        },
      ),
    );
  });

  it('reads into the frame itself once its line is known, and into scratch before', () => {
    const reader = new RawVideoReader('clip.mp4');
    const target = new FrameReadTarget(reader, 8);
    expect(target.next().length).toBe(8); // scratch: no frame announced yet
    reader.pushLine(frameLine(0, 4, 3));
    const into = target.next();
    expect(into.length).toBe(12);
    into.set(streamBytes(12));
    target.wrote(12);
    const frame = reader.take()!;
    expect(frame.pixels.buffer).toBe(into.buffer); // no copy: the read landed in the frame
    expect(Array.from(frame.pixels)).toEqual(Array.from(streamBytes(12)));
  });

  it('holds bytes read before their frame line, beyond the scratch size, and keeps their order', () => {
    const reader = new RawVideoReader('clip.mp4');
    const target = new FrameReadTarget(reader, 4);
    const bytes = streamBytes(30);
    let at = 0;
    while (at < 30) at += read(target, bytes, at, 4);
    expect(target.waiting).toBe(30);
    reader.pushLine(frameLine(0, 5, 2));
    target.drain();
    expect(target.waiting).toBe(20);
    reader.pushLine(frameLine(1, 5, 4));
    target.drain();
    expect(target.waiting).toBe(0);
    expect(Buffer.concat(takeAll(reader).map((f) => f.pixels))).toEqual(Buffer.from(bytes));
  });

  it('keeps a cut-off last frame as partial bytes instead of handing it out', () => {
    const reader = new RawVideoReader('clip.mp4');
    const target = new FrameReadTarget(reader);
    reader.pushLine(frameLine(0, 2, 2));
    reader.pushLine(frameLine(1, 2, 2));
    reader.endLog();
    const bytes = streamBytes(6);
    let at = 0;
    while (at < 6) at += read(target, bytes, at, 5);
    expect(takeAll(reader)).toHaveLength(1);
    expect(reader.partialBytes).toBe(2);
  });

  it('never offers an empty buffer to a read, even for a frame of no pixels', () => {
    const reader = new RawVideoReader('clip.mp4');
    const target = new FrameReadTarget(reader);
    reader.pushLine(frameLine(0, 0, 0));
    reader.pushLine(frameLine(1, 2, 1));
    const into = target.next();
    expect(into.length).toBe(2);
    into.set([9, 8]);
    target.wrote(2);
    expect(takeAll(reader).map((f) => Array.from(f.pixels))).toEqual([[], [9, 8]]);
  });
});
