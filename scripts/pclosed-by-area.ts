/**
 * The model's pClosed against the phantom's true lumen area ratio, for healthy and
 * clotted veins: which area ratios the model reads as closed. Reads a recording from
 * scripts/record-predictions.ts (the same seed it was made with).
 *
 *   node --import tsx scripts/pclosed-by-area.ts PRED.ndjson [seed=700000]   (THR=0.5 sets the "closed" cut)
 */
import fs from 'node:fs';
import { createPhantomExam } from '../src/phantom/index.js';
import { subjectSeed } from '../src/synth/index.js';
const [file, seedArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 700000);
const bins = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9, 1.01];
const THR = Number(process.env.THR ?? 0.5);
const acc: Record<string, { n: number; sum: number; hi: number }[]> = {
  healthy: bins.map(() => ({ n: 0, sum: 0, hi: 0 })),
  thrombus: bins.map(() => ({ n: 0, sum: 0, hi: 0 })),
};
let examIndex = -1;
let exam: ReturnType<typeof createPhantomExam> | undefined;
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const e = JSON.parse(line);
  if (e.kind === 'exam-start') {
    examIndex++;
    exam = createPhantomExam({ seed: subjectSeed(seed, examIndex), fps: 30, thrombusFraction: 0.2, vendorFrame: true });
    continue;
  }
  if (e.kind !== 'prediction' || !exam) continue;
  const i = Math.round((e.ptsMs * 30) / 1000);
  if (i >= exam.frameCount) continue;
  const info = exam.frameInfo(i);
  if (info.truth.veinRestAreaPx <= 0 || info.truth.visitIndex < 0) continue;
  const r = info.truth.veinAreaPx / info.truth.veinRestAreaPx;
  const b = bins.findIndex((lo, k) => r >= lo && r < bins[k + 1]!);
  const a = acc[info.labels.thrombus ? 'thrombus' : 'healthy']![b]!;
  a.n++;
  a.sum += e.pClosed;
  if (e.pClosed >= THR) a.hi++;
}
console.log(`area ratio bin | healthy n, mean pClosed, frac>=${THR} | thrombus n, mean pClosed, frac>=${THR}`);
bins.slice(0, -1).forEach((lo, k) => {
  const h = acc.healthy![k]!,
    t = acc.thrombus![k]!;
  const f = (a: { n: number; sum: number; hi: number }) => (a.n ? `${a.n}, ${(a.sum / a.n).toFixed(3)}, ${(a.hi / a.n).toFixed(3)}` : '-');
  console.log(`${lo.toFixed(2)}-${bins[k + 1]!.toFixed(2)} | ${f(h)} | ${f(t)}`);
});
