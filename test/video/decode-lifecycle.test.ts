import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeVideo } from '../../src/video/decode-video.js';
import { nativeFfmpegAvailable } from '../../src/video/find-ffmpeg.js';
import { closeWasmWorkers } from '../../src/video/wasm-worker-pool.js';
import { videoFixture } from './video-fixtures.js';

/** ffmpeg processes this process started that still exist (zombies included), from /proc. */
function ffmpegChildren(): { pid: number; state: string }[] {
  const found: { pid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...
      const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
      if (m && m[1] === 'ffmpeg' && Number(m[3]) === process.pid) found.push({ pid: Number(entry), state: m[2] });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// 450 frames of 640x480: far more output than the pipe buffers hold.
const LONG = videoFixture('ge_logiqbooke_brachial_color.mov');

afterAll(() => closeWasmWorkers());

describe.runIf(nativeFfmpegAvailable() && process.platform === 'linux')('native decoding lifecycle', () => {
  it('kills ffmpeg, leaving no zombie, when the consumer breaks out of the loop early', async () => {
    let seen = 0;
    for await (const frame of decodeVideo(LONG.path, { decoder: 'native' })) {
      expect(frame.index).toBe(seen);
      if (seen === 0) expect(ffmpegChildren()).toHaveLength(1);
      if (++seen === 3) break;
    }
    expect(ffmpegChildren()).toEqual([]);
  });

  it('does not decode ahead of a slow consumer (ffmpeg waits on the full pipe)', async () => {
    const frames = decodeVideo(LONG.path, { decoder: 'native' })[Symbol.asyncIterator]();
    await frames.next();
    // Unthrottled, ffmpeg decodes the whole clip in well under a second.
    await sleep(1500);
    const alive = ffmpegChildren();
    expect(alive).toHaveLength(1);
    expect(alive[0].state).not.toBe('Z');
    await frames.return?.();
    expect(ffmpegChildren()).toEqual([]);
  });

  it('kills ffmpeg and throws the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = (async () => {
      for await (const _frame of decodeVideo(LONG.path, { decoder: 'native', signal: controller.signal })) {
        if (++seen === 2) controller.abort(new Error('user pressed stop'));
      }
    })();
    await expect(run).rejects.toThrow('user pressed stop');
    expect(seen).toBe(2);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('stops after maxFrames frames', async () => {
    const indexes: number[] = [];
    for await (const frame of decodeVideo(LONG.path, { decoder: 'native', maxFrames: 4 })) indexes.push(frame.index);
    expect(indexes).toEqual([0, 1, 2, 3]);
    expect(ffmpegChildren()).toEqual([]);
  });
});

describe('wasm decoding lifecycle', () => {
  const SHORT = videoFixture('lung_convex_avi_mpeg4_no_text.avi');

  it('stops the wasm job on an early break, and the decoder works again afterwards', { timeout: 30_000 }, async () => {
    let seen = 0;
    for await (const _frame of decodeVideo(LONG.path, { decoder: 'wasm' })) if (++seen === 2) break;
    expect(seen).toBe(2);
    let count = 0;
    for await (const _frame of decodeVideo(SHORT.path, { decoder: 'wasm' })) count++;
    expect(count).toBe(SHORT.frameCount);
  });

  it('throws the abort reason when the signal aborts', { timeout: 30_000 }, async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = (async () => {
      for await (const _frame of decodeVideo(LONG.path, { decoder: 'wasm', signal: controller.signal })) {
        if (++seen === 3) controller.abort(new Error('user pressed stop'));
      }
    })();
    await expect(run).rejects.toThrow('user pressed stop');
    expect(seen).toBe(3);
  });

  it('stops after maxFrames frames', { timeout: 30_000 }, async () => {
    const indexes: number[] = [];
    for await (const frame of decodeVideo(SHORT.path, { decoder: 'wasm', maxFrames: 3 })) indexes.push(frame.index);
    expect(indexes).toEqual([0, 1, 2]);
  });
});
