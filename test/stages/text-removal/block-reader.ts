/**
 * A stand-in OCR engine for the text-removal tests: reads each 8-connected block of dark
 * pixels (bright text after inversion) as one word, answering after `gate()`. By default the
 * first word is "JOHN" at confidence 95 and the others "DOE" at 70; `word` chooses otherwise.
 */
import type { OcrEngine } from '../../../src/redaction/ocr-engine.js';
import type { OcrWord } from '../../../src/redaction/ocr-words.js';

export function blockReader(
  gate: () => Promise<void> = async () => {},
  word: (index: number) => Pick<OcrWord, 'text' | 'confidence'> = (i) => (i ? { text: 'DOE', confidence: 70 } : { text: 'JOHN', confidence: 95 }),
): { engine: OcrEngine; calls: () => number } {
  let calls = 0;
  const engine: OcrEngine = {
    async recognize(img) {
      calls++;
      await gate();
      const seen = new Uint8Array(img.width * img.height);
      const words: OcrWord[] = [];
      for (let i = 0; i < seen.length; i++) {
        if (seen[i] || img.pixels[i]! >= 55) continue;
        let x0 = Infinity,
          y0 = Infinity,
          x1 = -1,
          y1 = -1;
        const stack = [i];
        seen[i] = 1;
        while (stack.length) {
          const p = stack.pop()!;
          const x = p % img.width;
          const y = (p - x) / img.width;
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
          for (const [dx, dy] of [
            [1, 0],
            [-1, 0],
            [0, 1],
            [0, -1],
            [1, 1],
            [-1, -1],
            [1, -1],
            [-1, 1],
          ] as const) {
            const nx = x + dx,
              ny = y + dy;
            const n = ny * img.width + nx;
            if (nx >= 0 && ny >= 0 && nx < img.width && ny < img.height && !seen[n] && img.pixels[n]! < 55) {
              seen[n] = 1;
              stack.push(n);
            }
          }
        }
        words.push({ x0, y0, x1, y1, ...word(words.length) });
      }
      return words;
    },
    async terminate() {},
  };
  return { engine, calls: () => calls };
}
