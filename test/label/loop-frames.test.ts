/**
 * The frames the labeller serves are the text-removal stage's output, for a real
 * DICOM cine and a real video: every PNG decodes to the text-removed frame, which
 * differs from the decoded file where burned-in text was.
 */
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import { readLoopFrames } from '../../src/label/loop-frames.js';
import { runPipeline } from '../../src/pipeline.js';
import type { FrameEvent, PipelineEvent } from '../../src/core/events.js';

const root = path.resolve(import.meta.dirname, '../..');
const quiet = { write: () => true };

async function rawFrames(file: string, type: string): Promise<FrameEvent[]> {
  const frames: FrameEvent[] = [];
  const config = requireValid(
    parsePipeline(JSON.stringify({ source: { type, path: file, labels: false }, sinks: [{ type: 'console', intervalMs: 0 }] }), { env: {}, baseDir: root }),
  );
  await runPipeline(config, { baseDir: root, stdout: quiet, stderr: quiet, tap: (e) => void (e.kind === 'frame' && frames.push(e)) });
  return frames;
}

describe('loop frames', () => {
  it.each([
    ['a DICOM cine', 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm', 'dicom-cine', 30, 30],
    ['a video', 'test/fixtures/video/philips_color_doppler_20frames.mov', 'video-file', 20, undefined],
  ] as const)(
    'serves %s as its text-removed frames, at its own frame rate',
    async (_what, rel, type, count, fps) => {
      const file = path.join(root, rel);
      let seen: PipelineEvent[] = [];
      const loop = await readLoopFrames(file, {
        textRemoval: { type: 'text-removal' },
        baseDir: root,
        predict: async (events) => {
          seen = events;
          return [];
        },
      });
      const removed = seen.filter((e): e is FrameEvent => e.kind === 'frame');
      const raw = await rawFrames(file, type);
      expect(loop.png).toHaveLength(count);
      expect(removed).toHaveLength(count);
      if (fps) expect(loop.fps).toBeCloseTo(fps, 2);
      else expect(loop.fps).toBeCloseTo(1000 / (loop.ptsMs[1]! - loop.ptsMs[0]!), 6);
      expect(loop.ptsMs[0]).toBe(0);
      let changedFrames = 0;
      loop.png.forEach((png, i) => {
        const decoded = PNG.sync.read(png, { skipRescale: true });
        expect([decoded.width, decoded.height]).toEqual([removed[i]!.width, removed[i]!.height]);
        // pngjs decodes gray to RGBA: the red channel is the gray value.
        const gray = Uint8Array.from({ length: decoded.width * decoded.height }, (_, k) => decoded.data[k * 4]!);
        expect(Buffer.from(gray).equals(Buffer.from(removed[i]!.pixels))).toBe(true);
        if (!Buffer.from(removed[i]!.pixels).equals(Buffer.from(raw[i]!.pixels))) changedFrames++;
      });
      // Both files carry burned-in text on every frame; the stage removed some on each.
      expect(removed.every((f) => (f.meta?.redactions?.length ?? 0) > 0)).toBe(true);
      expect(changedFrames).toBe(count);
    },
    120_000,
  );
});
