/**
 * synthetic — a procedural compression-ultrasound exam with per-frame ground truth,
 * so every pipeline runs with no input files.
 *
 * Emits: `exam-start`, then `frame` events (8-bit gray, labels: landmark, open,
 *   thrombus, text boxes; meta: ultrasound region, pixel spacing), then `exam`.
 * Parameters:
 *   seed       random seed (same seed, same frames) (default 1)
 *   exams      number of exams (subjects) in a row (default 1)
 *   durationS  length of each exam in seconds (default 12)
 *   fps        frame rate (default 30)
 *   realtime   pace frames at the frame rate, like a live scanner (default false)
 *
 * ```yaml
 * source:
 *   type: synthetic
 *   seed: 7
 * ```
 */
import { z } from 'zod';
import { defineSource } from '../unit.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';
import { placeholderExam } from './placeholder-phantom.js';
import type { PipelineEvent } from '../events.js';

const schema = z
  .object({
    seed: z.number().int().default(1).describe('Random seed: the same seed gives the same frames.'),
    exams: z.number().int().min(1).max(100000).default(1).describe('Number of exams (one simulated subject each).'),
    durationS: z.number().positive().max(3600).default(12).describe('Length of each exam in seconds.'),
    fps: z.number().positive().max(240).default(30).describe('Frame rate in frames per second.'),
    realtime: z.boolean().default(false).describe('Pace frames at the frame rate, like a live scanner.'),
  })
  .strict();

export const syntheticSource = defineSource({
  type: 'synthetic',
  summary: 'Procedural compression-ultrasound exams with ground-truth labels (no input files needed).',
  schema,
  example: { type: 'synthetic', seed: 7, exams: 1, durationS: 12 },
  build(config, ctx) {
    const seqs = new SeqCounter();
    return fromAsyncEvents(ctx, 'source:synthetic', async function* (signal): AsyncGenerator<PipelineEvent> {
      const t0 = ctx.clock.monotonic();
      for (let e = 0; e < config.exams; e++) {
        const exam = placeholderExam({ seed: config.seed + e, fps: config.fps, durationS: config.durationS });
        const uri = `synthetic:seed=${config.seed + e}`;
        yield { kind: 'exam-start', examId: exam.examId, uri, subjectId: exam.subjectId, expectedFrames: exam.frameCount, fps: config.fps };
        let n = 0;
        for (const f of exam.frames()) {
          if (signal.aborted) return;
          if (config.realtime) {
            const due = t0 + (e * config.durationS * 1000 + f.ptsMs);
            const wait = due - ctx.clock.monotonic();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
          n++;
          yield {
            kind: 'frame',
            seq: seqs.take(),
            ptsMs: f.ptsMs,
            captureTimeMs: ctx.clock.now(),
            width: f.width,
            height: f.height,
            pixels: f.pixels,
            source: { uri, examId: exam.examId, subjectId: exam.subjectId, frameIndex: f.index },
            labels: f.labels,
            meta: { usRegion: f.usRegion, pixelSpacingMm: f.pixelSpacingMm },
          };
        }
        yield { kind: 'exam', examId: exam.examId, uri, frames: n, durationMs: (n * 1000) / config.fps };
      }
    });
  },
});
