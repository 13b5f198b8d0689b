/**
 * Which OCR words become mask boxes. Tesseract reads speckle as short junk words with
 * low confidence, and reads odd screen fonts (patient names!) with low confidence
 * too; confidence alone cannot separate them. What can: a word must hold a letter or
 * digit and have the height of screen text, and then either be confident, or sit on a
 * flat background (or on static overlay ink), hold ink, and (once the tracker can
 * tell) lie on static pixels: overlay, not ultrasound.
 */
import type { Box } from '../core/events.js';
import type { MaskBox } from './boxes.js';
import { frameBoxOf, type OcrImage, type OcrTile } from './ocr-image.js';

/** A word as an OCR engine returns it, in the coordinates of the image it was given. */
export interface OcrWord {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** 0..100 as tesseract reports it. */
  confidence: number;
  text: string;
}

export interface WordRules {
  /**
   * Words below minConfidence (but at or above minStaticConfidence) are kept when their
   * box has a flat background — this fraction of its pixels in one 16-level band, as
   * screen text on a plain panel has and speckle has not — and, once the tracker can
   * tell, lies on static pixels (minStaticFraction).
   */
  minFlatFraction: number;
  /** Words at or above this confidence (0..100) are kept anywhere. */
  minConfidence: number;
  /** The lower confidence bar for words on a flat, static background. */
  minStaticConfidence: number;
  /** Fraction of a word box that must be static for the lower bar. */
  minStaticFraction: number;
  /** Text taller than this (frame pixels) is not screen text. */
  maxTextHeight: number;
  /** Text shorter than this (frame pixels) is noise. */
  minTextHeight: number;
}

const ALNUM = /[\p{L}\p{N}]/u;

/** What the frame tells about a word box (each undefined where it cannot tell). */
export interface WordEvidence {
  /** Fraction of the box on static cells; undefined while static and moving cannot be told apart. */
  staticFraction?: (box: Box) => number;
  /** Fraction of the box in its most common 16-level gray band. */
  flatFraction?: (box: Box) => number;
  /** The box holds ink (pixels that stand out from the background around them). */
  hasInk?: (box: Box) => boolean;
  /** The box lies on static overlay ink (a cluster with static surroundings). */
  onOverlayInk?: (box: Box) => boolean;
}

/** Map words back to frame coordinates and keep the ones that look like burned-in text. */
export function selectTextWords(
  words: readonly OcrWord[],
  image: Pick<OcrImage, 'area' | 'scale'> & { tiles?: readonly OcrTile[] },
  rules: WordRules,
  { staticFraction, flatFraction, hasInk, onOverlayInk }: WordEvidence = {},
): MaskBox[] {
  const out: MaskBox[] = [];
  for (const w of words) {
    if (!ALNUM.test(w.text)) continue;
    const box = frameBoxOf(w, image);
    if (!box) continue;
    if (box.height > rules.maxTextHeight || box.height < rules.minTextHeight || box.width < 1) continue;
    // Below minConfidence a word needs a flat background (screen text on a plain
    // panel, not speckle) or to lie on static ink with static surroundings (dense
    // text leaves little background inside its box), ink (pixels that stand out: a
    // smooth patch of tissue has none) and, once motion can tell, static pixels.
    const confident = w.confidence >= rules.minConfidence;
    const lowBar =
      w.confidence >= rules.minStaticConfidence &&
      ((flatFraction !== undefined && flatFraction(box) >= rules.minFlatFraction) || onOverlayInk?.(box)) &&
      (hasInk === undefined || hasInk(box)) &&
      (staticFraction === undefined || staticFraction(box) >= rules.minStaticFraction);
    if (!confident && !lowBar) continue;
    out.push({ ...box, confidence: Math.round(w.confidence) / 100, text: w.text });
  }
  return out;
}

/** Fraction of the box's pixels in its most common 16-level band (1 for a flat panel). */
export function flatFraction(img: { width: number; height: number; pixels: Uint8Array }, box: Box): number {
  const bins = new Uint32Array(16);
  let n = 0;
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(img.width, box.x + box.width);
  const y1 = Math.min(img.height, box.y + box.height);
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      bins[img.pixels[y * img.width + x]! >> 4]!++;
      n++;
    }
  return n ? Math.max(...bins) / n : 0;
}
