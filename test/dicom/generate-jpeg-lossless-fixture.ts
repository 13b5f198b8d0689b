/**
 * Regenerates test/fixtures/dicom/gen_jpeg_lossless_sv1_border*.dcm: a 6-frame synthetic
 * ultrasound-like cine (speckle in a sector, black background, a white one-pixel frame
 * border as many vendors draw) written uncompressed, then encoded to JPEG Lossless SV1
 * (1.2.840.10008.1.2.4.70) by dcmtk's `dcmcjpeg`. The bottom-right pixel of every frame
 * is white and equal to its left neighbour, which is what made jpeg-lossless-decoder-js
 * 2.1.2 drop it on some frames (see src/dicom/jpeg-lossless-marker-fix.ts).
 *
 *   npx tsx test/dicom/generate-jpeg-lossless-fixture.ts   (needs dcmtk on PATH)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { buildDicom, grayImageElements } from './build-dicom.js';
import { fixture } from './fixtures.js';

export const COLUMNS = 96;
export const ROWS = 64;
export const FRAMES = 6;

/** Frame `k` of the synthetic cine, deterministic (a small LCG, seeded per frame). */
export function syntheticFrame(k: number): Uint8Array {
  const px = new Uint8Array(COLUMNS * ROWS);
  let seed = 1 + k * 7919;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 16;
  };
  const apexX = COLUMNS / 2;
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      const inSector = y > 2 && Math.abs(x - apexX) < y * 0.8 && y < ROWS - 4;
      const border = x === 0 || y === 0 || x === COLUMNS - 1 || y === ROWS - 1;
      px[y * COLUMNS + x] = border ? 255 : inSector ? 40 + (random() % (60 + 20 * k)) : 0;
    }
  }
  return px;
}

function main(): void {
  const native = fixture('gen_jpeg_lossless_sv1_border_native.dcm');
  const encoded = fixture('gen_jpeg_lossless_sv1_border.dcm');
  const pixels = new Uint8Array(COLUMNS * ROWS * FRAMES);
  for (let k = 0; k < FRAMES; k++) pixels.set(syntheticFrame(k), k * COLUMNS * ROWS);
  writeFileSync(native, buildDicom(grayImageElements({ columns: COLUMNS, rows: ROWS, frames: FRAMES, pixels })));
  const run = spawnSync('dcmcjpeg', ['+e1', native, encoded], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dcmcjpeg failed: ${run.error ?? run.stderr}`);
  console.log(`wrote ${native} and ${encoded}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
