/**
 * Phantom generation speed: frames/s for a 600x600 B-mode (no vendor frame) and
 * for full scanner screens, scene fields included (they are built lazily on first
 * use, so the first pass pays for them).
 *
 *   npx tsx bench/phantom-speed.ts [frames]
 */
import { createPhantomExam } from '../src/phantom/index.js';

function run(label: string, make: () => ReturnType<typeof createPhantomExam>, frames: number): void {
  const t0 = performance.now();
  const exam = make();
  const t1 = performance.now();
  let n = 0;
  let checksum = 0;
  for (const f of exam.frames({ reusePixels: true })) {
    checksum = (checksum + f.pixels[(f.width * f.height) >> 1]!) | 0;
    if (++n >= frames) break;
  }
  const t2 = performance.now();
  // Second pass: scene fields already built, the steady-state per-frame cost.
  n = 0;
  for (const f of exam.frames({ reusePixels: true })) {
    checksum = (checksum + f.pixels[0]!) | 0;
    if (++n >= frames) break;
  }
  const t3 = performance.now();
  const fps1 = (n / (t2 - t0)) * 1000;
  const fps2 = (n / (t3 - t2)) * 1000;
  console.log(
    `${label.padEnd(34)} ${exam.width}x${exam.height} us ${exam.usRegion.width}x${exam.usRegion.height}: ` +
      `setup ${(t1 - t0).toFixed(0)} ms, first pass ${fps1.toFixed(0)} frames/s (incl. scene fields), steady ${fps2.toFixed(0)} frames/s  [${checksum & 0xff}]`,
  );
}

const frames = Number(process.argv[2] ?? 450);
for (const seed of [1, 2, 3]) {
  run(`600x600 B-mode, seed ${seed}`, () => createPhantomExam({ seed, vendorFrame: false, width: 600, height: 600, durationS: frames / 30 }), frames);
}
for (const seed of [1, 2]) {
  run(`vendor screen, seed ${seed}`, () => createPhantomExam({ seed, durationS: frames / 30 }), frames);
}
