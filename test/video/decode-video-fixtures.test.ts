import { describe, expect, it } from 'vitest';
import { decodeVideo } from '../../src/video/decode-video.js';
import { nativeFfmpegAvailable } from '../../src/video/find-ffmpeg.js';
import { probeVideo } from '../../src/video/probe-video.js';
import { videoFixtures } from './video-fixtures.js';

const fixtures = videoFixtures();

describe.runIf(nativeFfmpegAvailable())('native decoding of every fixture clip', () => {
  it('finds the fixture clips listed in MANIFEST.tsv', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(fixtures)('$name', (fx) => {
    it('probes the codec, size, frame rate, frame count and audio the manifest lists', async () => {
      const info = await probeVideo(fx.path, { decoder: 'native' });
      expect(info).toMatchObject({
        codec: fx.codec,
        width: fx.width,
        height: fx.height,
        frameCount: fx.frameCount,
        hasAudio: fx.hasAudio,
        decoder: 'native',
      });
      expect(info.fps).toBeCloseTo(fx.avgFps, 3);
      // The manifest gives the container duration; the video stream can end up to a few frames before an audio track.
      expect(Math.abs(info.durationS! - fx.durationS)).toBeLessThan(0.1);
    });

    it('decodes the manifest frame count at the manifest size, with timestamps from 0 that only go up', async () => {
      let count = 0;
      let lastPts = -1;
      for await (const frame of decodeVideo(fx.path, { decoder: 'native' })) {
        expect(frame.index).toBe(count);
        expect([frame.width, frame.height]).toEqual([fx.width, fx.height]);
        expect(frame.pixels.length).toBe(fx.width * fx.height);
        if (count === 0) expect(frame.ptsMs).toBe(0);
        else expect(frame.ptsMs).toBeGreaterThan(lastPts);
        lastPts = frame.ptsMs;
        count++;
      }
      expect(count).toBe(fx.frameCount);
      // The last frame starts about one frame before the end of the clip.
      expect(lastPts).toBeLessThanOrEqual(fx.durationS * 1000);
      expect(lastPts).toBeGreaterThan(fx.durationS * 1000 - 3 * (1000 / fx.avgFps));
    });
  });

  it('gives the variable-rate Lumify clip its real 143/6 fps frame spacing', async () => {
    const fx = fixtures.find((f) => f.name === 'philips_lumify_cardiac_s4-1.mp4')!;
    const pts: number[] = [];
    for await (const frame of decodeVideo(fx.path, { decoder: 'native', maxFrames: 5 })) pts.push(frame.ptsMs);
    expect(pts.map((p) => Math.round(p * 1000) / 1000)).toEqual([0, 41.958, 83.916, 125.874, 167.832]);
  });

  it('starts the MPEG program stream at 0 although its first timestamp is 0.54 s', async () => {
    const fx = fixtures.find((f) => f.name === 'lung_convex_mpeg2ps_no_text.mpeg')!;
    const pts: number[] = [];
    for await (const frame of decodeVideo(fx.path, { decoder: 'native', maxFrames: 3 })) pts.push(frame.ptsMs);
    expect(pts).toEqual([0, 40, 80]);
  });
});
