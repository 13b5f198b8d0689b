/**
 * Writes docs/phantom.png: a labelled grid of phantom frames — each landmark open
 * and closed, hard-negative backgrounds, a thrombosed vein under full pressure, and
 * whole vendor screens with burned-in text (text boxes outlined).
 *
 *   npx tsx scripts/phantom-grid.ts [out.png] [--imaging scanner|classic]
 *
 * The scanner look (default) goes to docs/phantom.png, the classic look to
 * docs/phantom-classic.png.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { drawText } from '../src/phantom/font.js';
import { createPhantomExam, type PhantomExam, type PhantomFrame, type PhantomImaging } from '../src/phantom/index.js';

const TILE = 240;
const LABEL_H = 22;

interface Tile {
  title: string;
  frame: PhantomFrame;
  crop: 'us' | 'screen';
  outline?: boolean;
}

function find(
  exam: PhantomExam,
  pred: (f: Omit<PhantomFrame, 'pixels'>) => boolean,
  score: (f: Omit<PhantomFrame, 'pixels'>) => number,
): PhantomFrame | undefined {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < exam.frameCount; i++) {
    const info = exam.frameInfo(i);
    if (!pred(info)) continue;
    const s = score(info);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best >= 0 ? exam.frame(best) : undefined;
}

/** Area-average resize of a box of a gray8 image into a TILE x TILE square (letterboxed). */
function toTile(f: PhantomFrame, crop: 'us' | 'screen', outline: boolean): Uint8Array {
  const src = f.pixels.slice();
  if (outline) {
    for (const b of f.labels.textBoxes) {
      for (let x = b.x; x < b.x + b.width; x++) {
        src[b.y * f.width + x] = 255;
        src[(b.y + b.height - 1) * f.width + x] = 255;
      }
      for (let y = b.y; y < b.y + b.height; y++) {
        src[y * f.width + b.x] = 255;
        src[y * f.width + b.x + b.width - 1] = 255;
      }
    }
  }
  const box = crop === 'us' ? f.usRegion : { x: 0, y: 0, width: f.width, height: f.height };
  const s = Math.max(box.width, box.height) / TILE;
  const tw = Math.round(box.width / s);
  const th = Math.round(box.height / s);
  const ox = (TILE - tw) >> 1;
  const oy = (TILE - th) >> 1;
  const out = new Uint8Array(TILE * TILE);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const x0 = Math.floor(box.x + tx * s);
      const y0 = Math.floor(box.y + ty * s);
      const x1 = Math.max(x0 + 1, Math.floor(box.x + (tx + 1) * s));
      const y1 = Math.max(y0 + 1, Math.floor(box.y + (ty + 1) * s));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += src[y * f.width + x]!;
      out[(oy + ty) * TILE + ox + tx] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--imaging');
  const imaging: PhantomImaging = at >= 0 && args[at + 1] === 'classic' ? 'classic' : 'scanner';
  if (at >= 0) args.splice(at, 2);
  const outPath = args[0] ?? (imaging === 'classic' ? 'docs/phantom-classic.png' : 'docs/phantom.png');
  const tiles: Tile[] = [];
  const plain = (seed: number, thrombusFraction = 0): PhantomExam =>
    createPhantomExam({ seed, vendorFrame: false, width: 600, height: 600, thrombusFraction, imaging });
  const e1 = plain(11);
  const e2 = plain(12);
  const add = (title: string, f: PhantomFrame | undefined, crop: 'us' | 'screen' = 'us', outline = false): void => {
    if (f) tiles.push({ title, frame: f, crop, outline });
  };
  const restScore = (f: Omit<PhantomFrame, 'pixels'>): number => -f.truth.pressure;
  const pressScore = (f: Omit<PhantomFrame, 'pixels'>): number => f.truth.pressure;
  add(
    'LM1 SFJ OPEN',
    find(e1, (f) => f.labels.landmark === 'LM1' && f.labels.open, restScore),
  );
  add(
    'LM1 SFJ CLOSED',
    find(e1, (f) => f.labels.landmark === 'LM1' && !f.labels.open, pressScore),
  );
  add(
    'LM2 OPEN',
    find(e2, (f) => f.labels.landmark === 'LM2' && f.labels.open, restScore),
  );
  add(
    'LM2 CLOSED',
    find(e2, (f) => f.labels.landmark === 'LM2' && !f.labels.open, pressScore),
  );
  const t = plain(13, 1);
  add(
    'LM1 THROMBUS REST',
    find(t, (f) => f.labels.landmark === 'LM1' && f.labels.thrombus, restScore),
  );
  add(
    'LM1 THROMBUS PRESSED',
    find(t, (f) => f.labels.landmark === 'LM1' && f.labels.thrombus, pressScore),
  );
  add(
    'LM2 THROMBUS PRESSED',
    find(t, (f) => f.labels.landmark === 'LM2' && f.labels.thrombus, pressScore),
  );
  // Backgrounds: the BG scene kinds appear in a per-subject order; show several subjects.
  for (const seed of [21, 22, 23, 24]) {
    const e = plain(seed);
    add(
      `BG SUBJECT ${seed}`,
      find(
        e,
        (f) => f.labels.landmark === 'BG' && f.index > 5,
        (f) => (f.index % 97) - f.truth.pressure * 50,
      ),
    );
  }
  for (const seed of [31, 32, 33, 34, 35]) {
    const e = createPhantomExam({ seed, imaging });
    add(
      `SCREEN ${e.width}X${e.height}`,
      find(e, (f) => f.labels.landmark !== 'BG', restScore),
      'screen',
      seed === 31,
    );
  }
  const cols = 4;
  const rows = Math.ceil(tiles.length / cols);
  const W = cols * TILE + (cols + 1) * 4;
  const H = rows * (TILE + LABEL_H) + (rows + 1) * 4;
  const img = new Uint8Array(W * H).fill(40);
  tiles.forEach((tile, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x0 = 4 + c * (TILE + 4);
    const y0 = 4 + r * (TILE + LABEL_H + 4);
    drawText(img, W, H, x0 + 2, y0 + 4, tile.title, { scaleX: 2, scaleY: 2, value: 255 });
    const px = toTile(tile.frame, tile.crop, tile.outline ?? false);
    for (let y = 0; y < TILE; y++) img.set(px.subarray(y * TILE, (y + 1) * TILE), (y0 + LABEL_H + y) * W + x0);
  });
  const png = new PNG({ width: W, height: H });
  for (let i = 0; i < W * H; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = img[i]!;
    png.data[i * 4 + 3] = 255;
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, PNG.sync.write(png));
  console.log(`wrote ${outPath} (${tiles.length} tiles)`);
}

main();
