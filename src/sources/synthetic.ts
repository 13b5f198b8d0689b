/**
 * synthetic — the procedural compression-ultrasound phantom (docs/phantom.md) as a
 * source: labelled exams with no input files.
 *
 * Emits: per exam `exam-start`, then `frame` events (8-bit gray scanner screens; labels:
 *   landmark, vein open/closed, thrombus, burned-in text boxes; meta: the B-mode region
 *   and mm per pixel), then `exam`.
 * Parameters:
 *   seed              random seed; exam i uses subject seed derived from it (same seed, same bytes)
 *   exams             number of exams (one simulated subject each) (default 1)
 *   durationS         length of each exam in seconds (default: 14-20 s, varies per subject)
 *   fps               frame rate (default 30)
 *   thrombusFraction  fraction of landmark visits with a clot (default 0.2)
 *   vendorFrame       put the B-mode image inside a scanner screen with burned-in text (default true)
 *   imaging           how the B-mode is formed: classic (the first phantom, default) or scanner
 *                     (PSF speckle, attenuation/TGC, scanner and operator variation; docs/phantom.md)
 *   realtime          pace frames at the frame rate, like a live scanner (default false)
 *   width, height     screen size in pixels (default: a scanner screen size drawn per subject)
 *   depthMm, speckleGrainScale, mmPerPxScale, gainDb, noiseGray
 *                     robustness-sweep overrides (scripts/robustness-sweep.ts; docs/phantom.md): imaging
 *                     depth, speckle grain x, mm per pixel x, extra display gain, extra per-frame noise;
 *                     left out, the subject's drawn values (labels never change)
 *
 * ```yaml
 * source:
 *   type: synthetic
 *   seed: 7
 * ```
 */
import { z } from 'zod';
import { createPhantomExam, DEFAULT_IMAGING } from '../phantom/index.js';
import { subjectSeed } from '../synth/index.js';
import { defineSource } from '../core/unit.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';
import { RealtimePacer } from './realtime-pacer.js';
import type { PipelineEvent } from '../core/events.js';

const schema = z
  .object({
    seed: z.number().int().default(1).describe('Random seed: the same seed gives the same frames.'),
    exams: z.number().int().min(1).max(100000).default(1).describe('Number of exams (one simulated subject each).'),
    durationS: z.number().positive().max(3600).optional().describe('Length of each exam in seconds (default: 14-20 s, varying per subject).'),
    fps: z.number().positive().max(240).default(30).describe('Frame rate in frames per second.'),
    thrombusFraction: z.number().min(0).max(1).default(0.2).describe('Fraction of landmark visits whose vein holds a clot.'),
    vendorFrame: z.boolean().default(true).describe('Put the B-mode image inside a scanner screen with burned-in (fake) patient text.'),
    imaging: z
      .enum(['classic', 'scanner'])
      .default(DEFAULT_IMAGING)
      .describe(
        "How the B-mode image is formed: 'classic' (the first phantom's look) or 'scanner' (a simple B-mode simulation with scanner and operator variation; docs/phantom.md).",
      ),
    realtime: z.boolean().default(false).describe('Pace frames at the frame rate, like a live scanner.'),
    width: z.number().int().min(64).max(4096).optional().describe('Screen width in pixels (default: a scanner screen size drawn per subject).'),
    height: z.number().int().min(64).max(4096).optional().describe('Screen height in pixels (default: a scanner screen size drawn per subject).'),
    depthMm: z
      .number()
      .min(10)
      .max(200)
      .optional()
      .describe('Robustness sweeps: imaging depth in mm instead of the drawn one (a deeper setting shows the same anatomy smaller; docs/phantom.md).'),
    speckleGrainScale: z
      .number()
      .min(0.25)
      .max(8)
      .optional()
      .describe('Robustness sweeps: multiply the speckle point-spread function (the speckle grain) by this factor.'),
    mmPerPxScale: z
      .number()
      .min(0.2)
      .max(5)
      .optional()
      .describe('Robustness sweeps: multiply the mm per pixel (the screen and its B-mode region are rendered at 1/factor their size).'),
    gainDb: z.number().min(-40).max(40).optional().describe("Robustness sweeps: display gain in dB added to the subject's drawn gain."),
    noiseGray: z
      .number()
      .min(0)
      .max(128)
      .optional()
      .describe('Robustness sweeps: extra per-frame noise on the B-mode image, standard deviation in gray levels.'),
  })
  .strict();

export const syntheticSource = defineSource({
  type: 'synthetic',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  summary: 'Procedural compression-ultrasound phantom exams with ground-truth labels (no input files needed).',
  schema,
  example: { type: 'synthetic', seed: 7, exams: 1, durationS: 2 },
  async check() {
    return { shape: {} };
  },
  build(config, ctx) {
    const seqs = new SeqCounter();
    return fromAsyncEvents(ctx, 'source:synthetic', async function* (signal): AsyncGenerator<PipelineEvent> {
      const pacer = new RealtimePacer(ctx.clock);
      for (let e = 0; e < config.exams; e++) {
        const exam = createPhantomExam({
          seed: subjectSeed(config.seed, e),
          fps: config.fps,
          durationS: config.durationS,
          thrombusFraction: config.thrombusFraction,
          vendorFrame: config.vendorFrame,
          imaging: config.imaging,
          ...(config.width !== undefined ? { width: config.width } : {}),
          ...(config.height !== undefined ? { height: config.height } : {}),
          ...(config.depthMm !== undefined ? { depthMm: config.depthMm } : {}),
          ...(config.speckleGrainScale !== undefined ? { speckleGrainScale: config.speckleGrainScale } : {}),
          ...(config.mmPerPxScale !== undefined ? { mmPerPxScale: config.mmPerPxScale } : {}),
          ...(config.gainDb !== undefined ? { gainDb: config.gainDb } : {}),
          ...(config.noiseGray !== undefined ? { noiseGray: config.noiseGray } : {}),
        });
        const uri = `synthetic:seed=${config.seed}/exam=${e}`;
        yield { kind: 'exam-start', examId: exam.examId, uri, subjectId: exam.subjectId, expectedFrames: exam.frameCount, fps: exam.fps };
        pacer.restart();
        let frames = 0;
        for (const f of exam.frames()) {
          if (signal.aborted) return;
          if (config.realtime) await pacer.wait(f.ptsMs, signal);
          frames++;
          yield {
            kind: 'frame',
            seq: seqs.take(),
            ptsMs: f.ptsMs,
            captureTimeMs: ctx.clock.now(),
            width: f.width,
            height: f.height,
            pixels: f.pixels,
            source: { uri, examId: exam.examId, subjectId: exam.subjectId, frameIndex: f.index },
            labels: { landmark: f.labels.landmark, open: f.labels.open, thrombus: f.labels.thrombus, textBoxes: f.labels.textBoxes },
            meta: { usRegion: f.usRegion, pixelSpacingMm: f.pixelSpacingMm },
          };
        }
        yield { kind: 'exam', examId: exam.examId, uri, frames, durationMs: (frames * 1000) / exam.fps };
      }
    });
  },
});
