import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { childOutputFrames } from '../../src/video/child-output-frames.js';
import { RawVideoReader } from '../../src/video/raw-video-reader.js';
import type { DecodedFrame } from '../../src/video/video-types.js';

const SHOWINFO = '[Parsed_showinfo_0 @ 0xef4a60] [info]';
const frameLine = (n: number, w: number, h: number) =>
  `${SHOWINFO} n:${String(n).padStart(4)} pts:${String(40 * n).padStart(7)} pts_time:0.1 pos:  36 fmt:yuv420p sar:1/1 s:${w}x${h} i:P iskey:1 type:I`;
const byteAt = (i: number) => (i * 7 + (i >> 10)) & 255;
const W = 160;
const H = 120;

/**
 * A child that writes `total` bytes of byteAt(i) to stdout in chunks of uneven sizes
 * (as ffmpeg's writes and the kernel split them), waiting for 'drain' like any writer.
 */
function writer(total: number): ChildProcess {
  const script = `
    const total = ${total}, sizes = [1000, 37, 65536, 5, 20000, 131072];
    let at = 0, k = 0;
    const next = () => {
      while (at < total) {
        const n = Math.min(sizes[k++ % sizes.length], total - at);
        const b = Buffer.allocUnsafe(n);
        for (let i = 0; i < n; i++) b[i] = ((at + i) * 7 + ((at + i) >> 10)) & 255;
        at += n;
        if (!process.stdout.write(b)) return process.stdout.once('drain', next);
      }
    };
    next();`;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function announce(reader: RawVideoReader, frames: number): void {
  reader.pushLine(`${SHOWINFO} config in time_base: 1/1000, frame_rate: 25/1`);
  for (let n = 0; n < frames; n++) reader.pushLine(frameLine(n, W, H));
}

function expectStreamBytes(frames: DecodedFrame[]): void {
  frames.forEach((f, k) => {
    expect(f.index).toBe(k);
    expect([f.width, f.height]).toEqual([W, H]);
    const base = k * W * H;
    const wrong = f.pixels.findIndex((v, i) => v !== byteAt(base + i));
    expect(wrong).toBe(-1);
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('childOutputFrames', () => {
  it("reads a child's stdout straight into its frames, each frame with the bytes that belong to it", async () => {
    const child = writer(12 * W * H);
    children.push(child);
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(child.stdout!, reader);
    expect(output.direct).toBe(true);
    announce(reader, 12);
    const frames: DecodedFrame[] = [];
    for await (const f of output.frames()) frames.push(f);
    expect(frames).toHaveLength(12);
    expectStreamBytes(frames);
    expect(new Set(frames.map((f) => f.pixels.buffer)).size).toBe(12); // no frame shares memory with another
    expect(reader.partialBytes).toBe(0);
  });

  it('waits for frame lines that come after their bytes (stderr read later than stdout)', async () => {
    const child = writer(3 * W * H);
    children.push(child);
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(child.stdout!, reader);
    setTimeout(() => announce(reader, 3), 100);
    const frames: DecodedFrame[] = [];
    for await (const f of output.frames()) frames.push(f);
    expect(frames).toHaveLength(3);
    expectStreamBytes(frames);
  });

  it('keeps a cut-off last frame as partial bytes, after handing out the whole frames', async () => {
    const child = writer(2.5 * W * H);
    children.push(child);
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(child.stdout!, reader);
    announce(reader, 3);
    reader.endLog();
    const frames: DecodedFrame[] = [];
    for await (const f of output.frames()) frames.push(f);
    expect(frames).toHaveLength(2);
    expectStreamBytes(frames);
    expect(reader.partialBytes).toBe(0.5 * W * H);
  });

  it('fails clearly when the output has bytes that no frame line announced', async () => {
    const child = writer(100);
    children.push(child);
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(child.stdout!, reader);
    setTimeout(() => reader.endLog(), 50);
    await expect(
      (async () => {
        for await (const _f of output.frames());
      })(),
    ).rejects.toThrow(/clip\.mp4 without announcing the frame/);
  });

  it('stops reading while frames wait for the consumer, so the child blocks on the full pipe', async () => {
    const child = writer(200 * W * H);
    children.push(child);
    const exited = new Promise((done) => child.once('exit', done));
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(child.stdout!, reader);
    announce(reader, 200);
    const frames = output.frames();
    await frames.next();
    const stillWriting = await Promise.race([exited.then(() => false), new Promise((done) => setTimeout(() => done(true), 500))]);
    expect(stillWriting).toBe(true);
    expect(reader.framesReady).toBeLessThanOrEqual(2);
    let rest = 0;
    for await (const _f of frames) rest++;
    expect(rest).toBe(199);
  });

  it('reads any other stream as chunks, with the same frames', async () => {
    const bytes = Uint8Array.from({ length: 2 * W * H }, (_, i) => byteAt(i));
    const reader = new RawVideoReader('clip.mp4');
    const output = childOutputFrames(Readable.from([Buffer.from(bytes.subarray(0, 777)), Buffer.from(bytes.subarray(777))]), reader);
    expect(output.direct).toBe(false);
    announce(reader, 2);
    const frames: DecodedFrame[] = [];
    for await (const f of output.frames()) frames.push(f);
    expectStreamBytes(frames);
  });
});
