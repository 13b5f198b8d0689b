/**
 * The OCR engine the text-removal stage talks to: recognise words in a prepared gray
 * image. The real one is a pool of tesseract.js workers (tesseract-pool.ts); tests
 * pass their own.
 */
import type { OcrImage } from './ocr-image.js';
import type { OcrWord } from './ocr-words.js';

export interface OcrEngine {
  recognize(image: OcrImage): Promise<OcrWord[]>;
  /** Start the workers now rather than on the first job (live input: the first mask comes sooner). */
  warm?(): void;
  /** Stop every worker; safe to call more than once, and while jobs run. */
  terminate(): Promise<void>;
}

export type OcrEngineFactory = () => OcrEngine;
