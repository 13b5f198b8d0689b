import { afterAll, describe, expect, it } from 'vitest';
import { decodeVideo } from '../../src/video/decode-video.js';
import { nativeFfmpegAvailable } from '../../src/video/find-ffmpeg.js';
import { probeVideo } from '../../src/video/probe-video.js';
import type { DecodedFrame } from '../../src/video/video-types.js';
import { closeWasmWorkers } from '../../src/video/wasm-worker-pool.js';
import { videoFixture } from './video-fixtures.js';

// Short clips: the wasm decoder is several times slower than native.
const CLIPS = ['philips_color_doppler_20frames.mov', 'lung_convex_avi_mpeg4_no_text.avi', 'lung_convex_mpeg2ps_no_text.mpeg'];

async function collect(path: string, decoder: 'native' | 'wasm'): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of decodeVideo(path, { decoder })) frames.push(frame);
  return frames;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

afterAll(() => closeWasmWorkers());

describe.runIf(nativeFfmpegAvailable())('the native and wasm decoders agree', () => {
  describe.each(CLIPS)('%s', (name) => {
    const fx = videoFixture(name);

    it('gives the same frame count, sizes, pixels (mean abs diff < 1) and timestamps (within 1 ms)', { timeout: 30_000 }, async () => {
      const native = await collect(fx.path, 'native');
      const wasm = await collect(fx.path, 'wasm');
      expect(native.length).toBe(fx.frameCount);
      expect(wasm.length).toBe(native.length);
      for (let i = 0; i < native.length; i++) {
        expect([wasm[i].width, wasm[i].height]).toEqual([native[i].width, native[i].height]);
        expect(meanAbsDiff(wasm[i].pixels, native[i].pixels)).toBeLessThan(1);
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
