/**
 * Shared by the text-removal measurement scripts: ask tesseract (independently of the
 * stage) whether any letter or digit is left in a box of a frame.
 */
import path from 'node:path';
import type { Box } from '../src/core/events.js';
import { clipBox, padBox } from '../src/redaction/boxes.js';
import type { GrayImage } from '../src/redaction/fill.js';
import { defaultLangPath } from '../src/redaction/lang-data.js';
import type { OcrEngine } from '../src/redaction/ocr-engine.js';
import { prepareOcrImage } from '../src/redaction/ocr-image.js';
import type { OcrWord } from '../src/redaction/ocr-words.js';
import { createTesseractPool } from '../src/redaction/tesseract-pool.js';

export const root = path.resolve(import.meta.dirname, '..');

export function checker(psm: number, size = 2): OcrEngine {
  return createTesseractPool({ size, langPath: defaultLangPath()!, lang: 'eng', psm, timeoutMs: 60_000, scope: 'check' });
}

/** The frame area the checker reads for `box`: the box padded by 4 px, clipped to the frame. */
export const checkArea = (img: GrayImage, box: Box): Box => clipBox(padBox(box, 4), { x: 0, y: 0, width: img.width, height: img.height });
/** Scale at which the checker reads (word coordinates are in the 3x image of `checkArea`). */
export const CHECK_SCALE = 3;

/** Words tesseract reads inside `box` (padded by 4 px), both polarities, upscaled 3x. */
export async function wordsIn(engine: OcrEngine, img: GrayImage, box: Box): Promise<OcrWord[]> {
  const area = checkArea(img, box);
  if (area.width < 2 || area.height < 2) return [];
  // No ink, no character: tesseract hallucinates a letter on an empty line image.
  let lo = 255;
  let hi = 0;
  for (let y = area.y; y < area.y + area.height; y++)
    for (let x = area.x; x < area.x + area.width; x++) {
      const v = img.pixels[y * img.width + x]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (hi - lo < 32) return [];
  const runs = await Promise.all([true, false].map((invert) => engine.recognize(prepareOcrImage(img, area, { scale: CHECK_SCALE, invert }))));
  return runs.flat();
}

/** A character tesseract stands behind (below 30 it reads letters into smooth gradients). */
export const hasAlnum = (w: OcrWord) => w.confidence >= 30 && /[\p{L}\p{N}]/u.test(w.text);
/** A word of at least 3 letters read at `minConfidence` or more (tesseract reads letters into fill textures at low confidence). */
export const isWord3 = (w: OcrWord, minConfidence = 0) => w.confidence >= minConfidence && (w.text.match(/\p{L}/gu) ?? []).length >= 3;
