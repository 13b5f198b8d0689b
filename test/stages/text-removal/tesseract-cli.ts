/**
 * The leak measurement's OCR engine: Debian's `tesseract` command (tesseract 5, its own
 * LSTM model and page layout), independent of the tesseract.js worker the stage uses.
 * Test-only: the stage never calls it. Words come back as tesseract's TSV rows, and
 * nothing they say is logged by the tests (counts only).
 */
import { execFile, execFileSync } from 'node:child_process';
import type { GrayImage } from '../../../src/redaction/fill.js';
import { encodePgm, prepareOcrImage } from '../../../src/redaction/ocr-image.js';

/** Whether the `tesseract` binary is on PATH (the test skips, saying so, when not). */
export function tesseractCliAvailable(): boolean {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One word as the tesseract command reads it (confidence 0-100). */
export interface CliWord {
  text: string;
  confidence: number;
}

/**
 * The words the tesseract command reads in a gray image, upscaled `scale` times
 * (bilinear) and read in sparse-text mode (PSM 11). One read: tesseract 5 tries each
 * line inverted too (light-on-dark screen text), and a second, inverted read of the
 * fixtures found the same words.
 */
export async function tesseractCliWords(img: GrayImage, scale = 2): Promise<CliWord[]> {
  const area = { x: 0, y: 0, width: img.width, height: img.height };
  return readPgm(encodePgm(prepareOcrImage(img, area, { scale, invert: false })));
}

function readPgm(pgm: Uint8Array): Promise<CliWord[]> {
  return new Promise((resolve, reject) => {
    // OMP_THREAD_LIMIT=1: tesseract's OpenMP threads would fight the test's own parallel reads.
    const child = execFile(
      'tesseract',
      ['stdin', 'stdout', '--psm', '11', '-l', 'eng', 'tsv'],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 16 << 20 },
      (err, stdout) => (err ? reject(new Error(`tesseract failed: ${err.message.split('\n')[0]}`)) : resolve(parseTsv(stdout))),
    );
    child.stdin!.end(Buffer.from(pgm));
  });
}

/** Word rows (level 5) of tesseract's TSV output. */
export function parseTsv(tsv: string): CliWord[] {
  const words: CliWord[] = [];
  for (const line of tsv.split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols[0] !== '5' || cols.length < 12) continue;
    const text = cols[11]!.trim();
    if (text) words.push({ text, confidence: Number(cols[10]) });
  }
  return words;
}
