/**
 * A look at the closed windows the scanner-look fine-tunes miss
 * (docs/training-runs/2026-12-08-scanner-finetune-second-run.md): for each subject, the B-mode
 * image of its most open frame inside a landmark visit and of its first fully closed one
 * (lumen area < 5% of rest), three subjects whose closures are missed above two whose are seen.
 *
 *   node --import tsx scripts/missed-closed-grid.ts docs/training-runs/2026-12-08-missed-closed-windows.png
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { drawText } from '../src/phantom/font.js';
import { createPhantomExam } from '../src/phantom/index.js';
const subjects: [number, string][] = [
  [3677752845, 'missed 42/48'],
  [3543531893, 'missed 31/35'],
  [3271819167, 'missed 24/51'],
  [3660975226, 'seen 55/55'],
  [3426088560, 'seen 26/26'],
];
const T = 180; // tile size
const W = 2 * T;
const H = subjects.length * T;
const png = new PNG({ width: W, height: H });
png.data.fill(0);
for (const [row, [seed, tag]] of subjects.entries()) {
  const e = createPhantomExam({ seed, imaging: 'scanner', durationS: 10, thrombusFraction: 0.2, fps: 30, vendorFrame: true } as never);
  let closed = -1,
    open = -1,
    best = -1;
  for (let i = 0; i < e.frameCount; i++) {
    const f = e.frameInfo(i);
    if (f.truth.visitIndex < 0 || f.truth.veinRestAreaPx <= 0) continue;
    const frac = f.truth.veinAreaPx / f.truth.veinRestAreaPx;
    if (closed < 0 && f.labels.open === false && frac < 0.05) closed = i;
    if (frac > best) {
      best = frac;
      open = i;
    }
  }
  for (const [col, idx] of [open, closed].entries()) {
    if (idx < 0) continue;
    const fr = e.frame(idx);
    const r = e.usRegion;
    const side = Math.min(r.width, r.height);
    const x0 = r.x + Math.floor((r.width - side) / 2),
      y0 = r.y;
    for (let y = 0; y < T; y++)
      for (let x = 0; x < T; x++) {
        const sx = x0 + Math.floor((x * side) / T),
          sy = y0 + Math.floor((y * side) / T);
        const v = fr.pixels[sy * fr.width + sx]!;
        const o = ((row * T + y) * W + col * T + x) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
    const label = `${seed} ${col ? 'closed' : 'open'} f${idx} ${tag}`;
    const text = new Uint8Array(T * 12);
    drawText(text, T, 12, 2, 2, label, { scaleX: 1, scaleY: 1, value: 255 });
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < T; x++)
        if (text[y * T + x]) {
          const o = ((row * T + y) * W + col * T + x) * 4;
          png.data[o] = 255;
          png.data[o + 1] = 255;
          png.data[o + 2] = 0;
        }
  }
}
writeFileSync(process.argv[2] ?? 'tmp/missed.png', PNG.sync.write(png));
