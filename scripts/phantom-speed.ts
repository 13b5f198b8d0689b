/**
 * Phantom rendering speed, classic look against scanner look, on the same subjects and
 * screens (frames/s including the per-scene field builds, then steady state):
 *
 *   node --import tsx scripts/phantom-speed.ts [frames=300] [seeds=11,12,13]
 *
 * Both looks run interleaved in one process, so a busy machine slows them alike.
 */
import { createPhantomExam, type PhantomImaging } from '../src/phantom/index.js';

function measure(imaging: PhantomImaging, seed: number, frames: number): { first: number; steady: number; label: string } {
  const t0 = performance.now();
  const exam = createPhantomExam({ seed, imaging, durationS: frames / 30 });
  let n = 0;
  for (const _ of exam.frames({ reusePixels: true })) if (++n >= frames) break;
  const t1 = performance.now();
  n = 0;
  for (const _ of exam.frames({ reusePixels: true })) if (++n >= frames) break;
  const t2 = performance.now();
  const label = `${exam.width}x${exam.height} (B-mode ${exam.usRegion.width}x${exam.usRegion.height}${exam.scanner ? `, ${exam.scanner.geometry}` : ''})`;
  return { first: (n / (t1 - t0)) * 1000, steady: (n / (t2 - t1)) * 1000, label };
}

const frames = Number(process.argv[2] ?? 300);
const seeds = (process.argv[3] ?? '11,12,13').split(',').map(Number);
console.log('| seed | look | screen | frames/s incl. fields | steady frames/s |');
console.log('| --- | --- | --- | --- | --- |');
for (const seed of seeds) {
  for (const imaging of ['classic', 'scanner'] as const) {
    const r = measure(imaging, seed, frames);
    console.log(`| ${seed} | ${imaging} | ${r.label} | ${r.first.toFixed(0)} | ${r.steady.toFixed(0)} |`);
  }
}
