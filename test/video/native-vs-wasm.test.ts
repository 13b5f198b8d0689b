import { afterAll, describe, expect, it } from 'vitest';
import { decodeVideo } from '../../src/video/decode-video.js';
import { nativeFfmpegAvailable } from '../../src/video/find-ffmpeg.js';
import { probeVideo } from '../../src/video/probe-video.js';
import type { DecodedFrame } from '../../src/video/video-types.js';
import { closeWasmWorkers } from '../../src/video/wasm-worker-pool.js';
import { videoFixture } from './video-fixtures.js';

// Short clips: the wasm decoder is several times slower than native.
const CLIPS = ['philips_color_doppler_20frames.mov', 'lung_convex_avi_mpeg4_no_text.avi', 'lung_convex_mpeg2ps_no_text.mpeg'];

async function collect(path: string, decoder: 'native' | 'wasm', maxFrames?: number): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of decodeVideo(path, { decoder, maxFrames })) frames.push(frame);
  return frames;
}

/** How many samples differ, and by how much at most. */
function difference(a: Uint8Array, b: Uint8Array): { count: number; max: number } {
  let count = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) count++;
    if (d > max) max = d;
  }
  return { count, max };
}

afterAll(() => closeWasmWorkers());

describe.runIf(nativeFfmpegAvailable())('the native and wasm decoders agree', () => {
  describe.each(CLIPS)('%s', (name) => {
    const fx = videoFixture(name);

    it('gives the same frame count, sizes, byte-identical pixels and timestamps (within 1 ms)', { timeout: 30_000 }, async () => {
      const native = await collect(fx.path, 'native');
      const wasm = await collect(fx.path, 'wasm');
      expect(native.length).toBe(fx.frameCount);
      expect(wasm.length).toBe(native.length);
      for (let i = 0; i < native.length; i++) {
        expect([wasm[i].width, wasm[i].height]).toEqual([native[i].width, native[i].height]);
        expect(difference(wasm[i].pixels, native[i].pixels), `frame ${i}`).toEqual({ count: 0, max: 0 });
        expect(Math.abs(wasm[i].ptsMs - native[i].ptsMs)).toBeLessThanOrEqual(1);
      }
    });

    it('probes the same facts', { timeout: 30_000 }, async () => {
      const native = await probeVideo(fx.path, { decoder: 'native' });
      const wasm = await probeVideo(fx.path, { decoder: 'wasm' });
      expect(wasm).toEqual({ ...native, decoder: 'wasm' });
    });
  });
});

describe.runIf(nativeFfmpegAvailable())('bit-exact decoding on both sides', () => {
  // Without -flags +bitexact, native ffmpeg 5.1's SIMD MPEG-4 Part 2 paths and the wasm
  // build's C ones differed by up to 2 levels on 6 pixels of frames 2-8 of this clip.
  it('decodes the first 60 frames of an MPEG-4 Part 2 clip to the same bytes natively and in wasm', { timeout: 60_000 }, async () => {
    const fx = videoFixture('ge_logiqbooke_brachial_color.mov');
    const native = await collect(fx.path, 'native', 60);
    const wasm = await collect(fx.path, 'wasm', 60);
    expect(native).toHaveLength(60);
    expect(wasm).toHaveLength(60);
    const differing = native.map((f, i) => difference(wasm[i].pixels, f.pixels).count);
    expect(differing).toEqual(Array(60).fill(0));
  });
});

describe('the wasm decoder without native ffmpeg', () => {
  it('decodes a clip to the manifest frame count and size', { timeout: 30_000 }, async () => {
    const fx = videoFixture('philips_color_doppler_20frames.mov');
    const frames = await collect(fx.path, 'wasm');
    expect(frames.length).toBe(fx.frameCount);
    expect(frames.every((f) => f.width === fx.width && f.height === fx.height && f.pixels.length === fx.width * fx.height)).toBe(true);
    expect(frames[0].ptsMs).toBe(0);
  });

  it('lets two wasm decodes be consumed in lockstep', { timeout: 30_000 }, async () => {
    const fx = videoFixture('philips_color_doppler_20frames.mov');
    const a = decodeVideo(fx.path, { decoder: 'wasm' })[Symbol.asyncIterator]();
    const b = decodeVideo(fx.path, { decoder: 'wasm' })[Symbol.asyncIterator]();
    let n = 0;
    for (;;) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      expect(x.done).toBe(y.done);
      if (x.done || y.done) break;
      // (toEqual on 480 000-element typed arrays is very slow in vitest)
      expect(Buffer.compare(x.value.pixels, y.value.pixels)).toBe(0);
      n++;
    }
    expect(n).toBe(fx.frameCount);
  });
});
