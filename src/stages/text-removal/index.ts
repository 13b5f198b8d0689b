/**
 * text-removal — find burned-in text with OCR (tesseract.js, offline) and fill it.
 *
 * Consumes: `frame` events (8-bit gray).
 * Emits:    the same frames with text filled (black, or inpainted from the box border so
 *           no hard edge reaches the network) and `meta.redactions` extended with every
 *           removed box and its OCR confidence (0..1) — never the recognised text unless
 *           `exposeText: true`. Other events pass through in order.
 * Parameters (defaults in the schema):
 *   fill, fillValue            how boxes are filled
 *   useUsRegion                fill everything outside `meta.usRegion` without OCR, OCR inside only
 *   keyframeInterval, warmupFrames, overlayChangePixels, minKeyframeGap   when OCR runs (keyframes); the mask is reused between
 *   pool                       tesseract workers (each its own thread: OCR never blocks the event loop)
 *   psm, polarity, scale       tesseract page segmentation, white-on-black inversion, upscale
 *   minConfidence, minStaticConfidence, maxTextHeight, padding   which words become boxes
 *   minStaticFraction, minFlatFraction, minTextHeight   how static and flat a word's box must be for the lower bar; shorter words are noise
 *   maxMaskFraction            a mask over this fraction of the frame is warned about (every box is still removed)
 *   staticInk, growToInk, inkContrast   ink found without OCR: static text on flat panels, glyph extents
 *   ocrScope, keyframeDelay    what OCR reads (tiles around new static ink), background periodic keyframes (file input)
 *   untilFirstMask             live input: drop or pass frames that arrive before the first OCR result
 *   exposeText, langPath, ocrTimeoutMs
 * Notes: removal fails closed: every box found is removed whatever the mask's size, and
 *   where the static overlay changed since the last keyframe the changed area is removed
 *   until a keyframe's OCR has answered for it (text appearing mid-stream never passes).
 *   File input waits for the first keyframe's OCR and for overlay changes, and applies
 *   periodic keyframes `keyframeDelay` frames late (every frame covered, output
 *   deterministic); live input never waits (the last mask plus the changed areas are
 *   used until the new one is ready). Recognised text is never logged. See docs/text-removal.md.
 *
 * ```yaml
 * - type: text-removal
 *   fill: inpaint
 *   pool: 1
 * ```
 */
import fs from 'node:fs';
import { defer, finalize, Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../core/context.js';
import { AutodvtError } from '../../core/errors.js';
import type { PipelineEvent } from '../../core/events.js';
import { defaultLangPath, DEFAULT_LANG, langFile } from '../../redaction/lang-data.js';
import type { OcrEngineFactory } from '../../redaction/ocr-engine.js';
import { createTesseractPool } from '../../redaction/tesseract-pool.js';
import { defineStage } from '../../core/unit.js';
import { statefulOperator } from '../stateful-operator.js';
import { SCOPE, TextRemover, type TextRemoverOptions } from './text-remover.js';

const schema = z
  .object({
    fill: z
      .enum(['black', 'inpaint'])
      .default('inpaint')
      .describe('How a text box is filled: a constant (`black`), or inpainted from its border so no hard edge is left.'),
    fillValue: z.number().int().min(0).max(255).default(0).describe('Gray value for `black` fills and for everything outside the ultrasound region.'),
    useUsRegion: z
      .boolean()
      .default(true)
      .describe('When a frame knows its B-mode region (DICOM ultrasound regions), fill everything outside it without OCR and OCR only inside.'),
    keyframeInterval: z
      .number()
      .int()
      .min(0)
      .default(150)
      .describe('Run OCR again every this many frames even when the overlay looks unchanged (0 = only on the first frame and on changes).'),
    warmupFrames: z
      .number()
      .int()
      .min(1)
      .max(120)
      .default(15)
      .describe('Frames watched before OCR to tell the static overlay from the moving image (file input holds them back; live input re-runs OCR after them).'),
    overlayChangePixels: z.number().int().min(1).default(256).describe('Static overlay pixels that must change since the last keyframe to trigger a new OCR.'),
    minKeyframeGap: z.number().int().min(1).default(30).describe('At least this many frames between two OCR runs triggered by overlay changes.'),
    pool: z.number().int().min(1).max(16).default(1).describe('Number of tesseract workers (each runs in its own worker thread).'),
    psm: z
      .number()
      .int()
      .min(0)
      .max(13)
      .default(11)
      .describe('Tesseract page segmentation mode: 11 = sparse text (screen labels scattered over the frame), 3 = automatic, 6 = one block.'),
    polarity: z
      .enum(['light-on-dark', 'dark-on-light', 'both'])
      .default('both')
      .describe(
        'Text colour to look for: screen text is mostly light on dark (inverted for tesseract), logos and buttons dark on light; `both` runs OCR on each (two workers in parallel when pool >= 2).',
      ),
    scale: z.number().min(1).max(4).default(2).describe('Upscale factor before OCR (tesseract reads best with letters 20-30 px high).'),
    minConfidence: z.number().min(0).max(100).default(60).describe('Tesseract word confidence (0-100) at which a word is removed anywhere.'),
    minStaticConfidence: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe('Lower confidence bar for words on a flat background that (once the image has moved enough to tell) lies on static overlay pixels.'),
    minStaticFraction: z.number().min(0).max(1).default(0.6).describe('Fraction of a word box that must be static for the lower confidence bar.'),
    minFlatFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.4)
      .describe('A flat background for the lower confidence bar: this fraction of the word box in one 16-level gray band (a screen panel, not speckle).'),
    maxTextHeight: z.number().int().min(4).default(64).describe('Words taller than this (frame pixels) are not screen text and stay.'),
    minTextHeight: z.number().int().min(1).default(5).describe('Words shorter than this (frame pixels) are noise and stay.'),
    padding: z.number().int().min(0).max(32).default(2).describe('Pixels added around each word box (anti-aliased glyph edges).'),
    maxMaskFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.2)
      .describe('A mask over this fraction of the frame is warned about (once per exam); every box found is still removed: removal fails closed.'),
    staticInk: z
      .boolean()
      .default(true)
      .describe(
        'Once motion tells the static overlay from the moving image: remove static ink clusters of text size on a flat static panel without OCR (lone glyphs that OCR drops); confidence 0 in meta.redactions.',
      ),
    growToInk: z
      .boolean()
      .default(true)
      .describe("Grow each OCR word box to the full extent of the glyph-sized ink components it touches (glyph parts outside tesseract's word box)."),
    inkContrast: z.number().int().min(8).max(255).default(48).describe('Gray levels between ink (text, marks) and the background around it.'),
    ocrScope: z
      .enum(['static-ink', 'area'])
      .default('static-ink')
      .describe(
        'What OCR reads once motion tells static from moving: `static-ink` = a mosaic of tiles around static ink clusters not read before (the second polarity only where the first found nothing); `area` = the whole frame (or region) every keyframe.',
      ),
    keyframeDelay: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(30)
      .describe(
        'File input: periodic keyframes (keyframeInterval) run OCR in the background and their mask applies this many frames later, waiting only if not ready by then (0 = wait at the keyframe). Output does not depend on timing.',
      ),
    untilFirstMask: z
      .enum(['drop', 'pass'])
      .default('drop')
      .describe('Live input: frames arriving before the first OCR result are dropped (default) or passed with only the region fill.'),
    exposeText: z.boolean().default(false).describe('Put the recognised text into meta.redactions (patient data: off by default).'),
    langPath: z.string().min(1).optional().describe('Folder holding eng.traineddata.gz (default: the @tesseract.js-data/eng package; nothing is downloaded).'),
    ocrTimeoutMs: z.number().int().min(100).default(30_000).describe('An OCR job that takes longer fails the run (a hung worker).'),
  })
  .strict();

export type TextRemovalConfig = z.infer<typeof schema>;

function langPathOf(config: TextRemovalConfig, ctx: Pick<BuildContext, 'baseDir'>): string | undefined {
  return config.langPath ? resolvePath(ctx, config.langPath) : defaultLangPath();
}

export const textRemovalStage = defineStage({
  type: 'text-removal',
  events: { needs: ['frame'] },
  removesBurnedInText: true,
  summary: 'Find burned-in text with OCR on keyframes (tesseract.js, offline, in worker threads) and fill it.',
  schema,
  example: { type: 'text-removal', fill: 'inpaint', pool: 1 },
  async check(config, ctx, upstream) {
    const langPath = langPathOf(config, ctx);
    if (!langPath) return { problems: [{ message: 'the tesseract language data is missing: install @tesseract.js-data/eng (npm ci)' }], shape: upstream };
    if (!fs.existsSync(langFile(langPath))) {
      return { problems: [{ path: 'langPath', message: `${langFile(langPath)} does not exist` }], shape: upstream };
    }
    return { shape: upstream };
  },
  async build(config, ctx) {
    const langPath = langPathOf(config, ctx);
    if (!langPath) {
      throw new AutodvtError('the tesseract language data is missing', { scope: SCOPE, category: 'config', hint: 'install @tesseract.js-data/eng (npm ci)' });
    }
    if (!fs.existsSync(langFile(langPath))) {
      throw new AutodvtError(`${langFile(langPath)} does not exist`, {
        scope: SCOPE,
        category: 'config',
        hint: 'set langPath to a folder holding eng.traineddata.gz, or leave it out',
      });
    }
    try {
      await import('tesseract.js');
    } catch (err) {
      throw new AutodvtError('tesseract.js cannot be loaded', { scope: SCOPE, category: 'config', hint: 'run npm ci', cause: err });
    }
    const engine: OcrEngineFactory = () =>
      createTesseractPool({ size: config.pool, langPath, lang: DEFAULT_LANG, psm: config.psm, timeoutMs: config.ocrTimeoutMs, scope: SCOPE, clock: ctx.clock });
    return textRemovalOperator(config, ctx, engine);
  },
});

/** The stage's operator with a given OCR engine (tests pass their own). */
export function textRemovalOperator(
  config: TextRemoverOptions,
  ctx: Pick<BuildContext, 'live' | 'warn' | 'frameDropped'>,
  createEngine: OcrEngineFactory,
): OperatorFunction<PipelineEvent, PipelineEvent> {
  if (!ctx.live) {
    return statefulOperator(() => {
      const remover = new TextRemover(config, createEngine(), ctx);
      return { push: (event) => remover.pushFile(event), flush: () => remover.flushFile(), close: () => remover.close() };
    });
  }
  // Live input never waits for OCR: each frame goes out at once (or is held back only
  // before the first mask), and an OCR failure reported later ends the stream.
  return (source) =>
    defer(() => {
      const engine = createEngine();
      engine.warm?.();
      const remover = new TextRemover(config, engine, ctx);
      return new Observable<PipelineEvent>((subscriber) => {
        remover.onError = (err) => subscriber.error(err);
        return source.subscribe({
          next: (event) => {
            const out = remover.pushLive(event);
            if (out) subscriber.next(out);
          },
          error: (err) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
      }).pipe(finalize(() => remover.close()));
    });
}
