/**
 * Activation ranges of dataset windows through onnxruntime-node, for
 * training/quantize_int8.py (the calibration of the int8 model; PyTorch on this CPU is
 * ~50x slower for the window model, and the tensors to calibrate are the ONNX graph's own).
 *
 *   node --import tsx training/activation_ranges.ts JOB.json
 *
 * JOB: { model: a window model with every tensor to calibrate as an extra output,
 * outputs: those names, normalization: {scale, mean, std}, frames: 9, items: [[frames .npy
 * file, index of the window's newest frame], ...], out: file, histogram?: { bins, ranges:
 * {name: [lo, hi]} } }. Writes JSON { name: { min, max, count, histogram? } }: the smallest
 * and largest value of each output over all windows, and with `histogram` the counts of its
 * values in `bins` equal bins over [lo, hi] (values outside go to the end bins).
 */
import fs from 'node:fs';
import { windowBatches, type WindowJob } from './dataset-windows.js';

interface Job extends WindowJob {
  outputs: string[];
  out: string;
  histogram?: { bins: number; ranges: Record<string, [number, number]> };
}

interface Stats {
  min: number;
  max: number;
  count: number;
  histogram?: number[];
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
const stats = new Map<string, Stats>(job.outputs.map((name) => [name, { min: Infinity, max: -Infinity, count: 0 }]));
const bins = job.histogram?.bins ?? 0;

function accumulate(name: string, values: Float32Array): void {
  const s = stats.get(name)!;
  let lo = s.min;
  let hi = s.max;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  s.min = lo;
  s.max = hi;
  s.count += values.length;
  const range = job.histogram?.ranges[name];
  if (!range) return;
  s.histogram ??= new Array<number>(bins).fill(0);
  const h = s.histogram;
  const [a, b] = range;
  const perBin = bins / (b - a || 1);
  for (let k = 0; k < values.length; k++) {
    const i = Math.floor((values[k]! - a) * perBin);
    h[i < 0 ? 0 : i >= bins ? bins - 1 : i]!++;
  }
}

let calls = 0;
for await (const { done, results } of windowBatches(job, 8, job.outputs)) {
  for (const name of job.outputs) accumulate(name, results[name]!.data as Float32Array);
  if (calls++ % 16 === 0) process.stderr.write(`activation ranges ${done}/${job.items.length}\n`);
}
fs.writeFileSync(job.out, JSON.stringify(Object.fromEntries(stats)));
