/**
 * Which OCR words become mask boxes. Tesseract reads speckle as short junk words with
 * low confidence, and reads odd screen fonts (patient names!) with low confidence
 * too; confidence alone cannot separate them. What can: a word must hold a letter or
 * digit and have the height of screen text, and then either be confident, or sit on
 * static pixels (overlay, not ultrasound) once the tracker can tell.
 */
import type { Box } from '../events.js';
import type { MaskBox } from './boxes.js';
import type { OcrImage } from './ocr-image.js';

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
  /** Words at or above this confidence (0..100) are kept anywhere. */
  minConfidence: number;
  /** Words on mostly static pixels are kept at or above this confidence. */
  minStaticConfidence: number;
  /** Fraction of a word box that must be static for the lower bar. */
  minStaticFraction: number;
  /** Text taller than this (frame pixels) is not screen text. */
  maxTextHeight: number;
  /** Text shorter than this (frame pixels) is noise. */
  minTextHeight: number;
}

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * Map words back to frame coordinates and keep the ones that look like burned-in
 * text. `staticFraction` is undefined while static and moving cannot be told apart.
 */
export function selectTextWords(
  words: readonly OcrWord[],
  image: Pick<OcrImage, 'area' | 'scale'>,
  rules: WordRules,
  staticFraction?: (box: Box) => number,
): MaskBox[] {
  const out: MaskBox[] = [];
  for (const w of words) {
    if (!ALNUM.test(w.text)) continue;
    const x = image.area.x + Math.floor(w.x0 / image.scale);
    const y = image.area.y + Math.floor(w.y0 / image.scale);
    const box = {
      x,
      y,
      width: image.area.x + Math.ceil(w.x1 / image.scale) - x,
      height: image.area.y + Math.ceil(w.y1 / image.scale) - y,
    };
    if (box.height > rules.maxTextHeight || box.height < rules.minTextHeight || box.width < 1) continue;
    const confident = w.confidence >= rules.minConfidence;
    const onOverlay =
      staticFraction !== undefined && w.confidence >= rules.minStaticConfidence && staticFraction(box) >= rules.minStaticFraction;
    if (!confident && !onOverlay) continue;
    out.push({ ...box, confidence: Math.round(w.confidence) / 100, text: w.text });
  }
  return out;
}
