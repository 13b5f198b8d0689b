import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { decodeVideo } from '../../src/video/decode-video.js';
import { nativeFfmpegAvailable } from '../../src/video/find-ffmpeg.js';
import { probeVideo } from '../../src/video/probe-video.js';
import { closeWasmWorkers } from '../../src/video/wasm-worker-pool.js';
import { videoFixture } from './video-fixtures.js';

const native = nativeFfmpegAvailable();
const decoders = native ? (['native', 'wasm'] as const) : (['wasm'] as const);

let dir: string;
const file = (name: string) => join(dir, name);

/** Decodes until the end or an error; returns what came out either way. */
async function drain(path: string, decoder: 'native' | 'wasm'): Promise<{ frames: number; error?: unknown }> {
  let frames = 0;
  try {
    for await (const _frame of decodeVideo(path, { decoder })) frames++;
    return { frames };
  } catch (error) {
    return { frames, error };
  }
}

/** The first `fraction` of a fixture's bytes, as a new file in the temp folder. */
function cut(name: string, fraction: number): string {
  const bytes = readFileSync(videoFixture(name).path);
  const path = file(`half_${name}`);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodvt-video-'));
  writeFileSync(file('empty.mp4'), new Uint8Array(0));
  writeFileSync(file('notes.mp4'), 'these are exam notes, not a video\n'.repeat(50));
  mkdirSync(file('folder.mp4'));
  if (native) {
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', file('tone.m4a')]);
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  closeWasmWorkers();
});

describe.each(decoders)('bad inputs with the %s decoder', (decoder) => {
  it('names a missing file', async () => {
    const path = file('no-such-clip.mp4');
    const { frames, error } = await drain(path, decoder);
    expect(frames).toBe(0);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ scope: 'video', message: `video file not found: ${path}` });
    await expect(probeVideo(path, { decoder })).rejects.toThrow(`video file not found: ${path}`);
  });

  it('says an empty file is empty', async () => {
    const { error } = await drain(file('empty.mp4'), decoder);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`video file is empty (0 bytes): ${file('empty.mp4')}`);
  });

  it('says a folder is not a file', async () => {
    const { error } = await drain(file('folder.mp4'), decoder);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('is not a file');
  });

  it('says a text file is not a readable video', { timeout: 20_000 }, async () => {
    const path = file('notes.mp4');
    const { frames, error } = await drain(path, decoder);
    expect(frames).toBe(0);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ scope: 'video', message: expect.stringMatching(/notes\.mp4 is not a readable video \(.*Invalid data found/) });
    await expect(probeVideo(path, { decoder })).rejects.toThrow(/notes\.mp4 is not a readable video/);
  });

  it.runIf(native)('says an audio-only file has no video stream', { timeout: 20_000 }, async () => {
    const path = file('tone.m4a');
    const { frames, error } = await drain(path, decoder);
    expect(frames).toBe(0);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ scope: 'video', message: `${path} has no video stream` });
    await expect(probeVideo(path, { decoder })).rejects.toThrow(`${path} has no video stream`);
  });

  it('yields every frame before the cut of a truncated MP4, then throws an InputError naming the damage', { timeout: 20_000 }, async () => {
    const path = cut('philips_lumify_cardiac_s4-1.mp4', 0.5);
    const { frames, error } = await drain(path, decoder);
    // The header (moov) is at the front: about half the 239 frames decode.
    expect(frames).toBeGreaterThan(100);
    expect(frames).toBeLessThan(239);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ scope: 'video' });
    expect((error as Error).message).toMatch(new RegExp(`^${path} is truncated or corrupt: decoding stopped with errors after ${frames} frames \\(`));
    expect((error as InputError).hint).toContain(`the ${frames} frames before the damage were delivered`);
  });

  it('says a MOV cut before its header (moov at the end) is not a readable video', { timeout: 20_000 }, async () => {
    const path = cut('philips_color_doppler_20frames.mov', 0.5);
    const { frames, error } = await drain(path, decoder);
    expect(frames).toBe(0);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/is not a readable video \(.*moov atom not found/);
  });
});

describe('decoder choice', () => {
  it('reports a missing native ffmpeg with what to do', async () => {
    const { resetNativeFfmpegCache } = await import('../../src/video/find-ffmpeg.js');
    const saved = process.env.AUTODVT_FFMPEG;
    process.env.AUTODVT_FFMPEG = '/nonexistent/ffmpeg';
    resetNativeFfmpegCache();
    try {
      await expect(probeVideo(videoFixture('philips_color_doppler_20frames.mov').path, { decoder: 'native' })).rejects.toThrow(/native ffmpeg not found/);
      // auto falls back to wasm
      const info = await probeVideo(videoFixture('philips_color_doppler_20frames.mov').path);
      expect(info.decoder).toBe('wasm');
    } finally {
      if (saved === undefined) delete process.env.AUTODVT_FFMPEG;
      else process.env.AUTODVT_FFMPEG = saved;
      resetNativeFfmpegCache();
    }
  });
});
