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
import * as ort from 'onnxruntime-node';
import { readNpy } from '../src/dataset/read-npy.js';

interface Job {
  model: string;
  outputs: string[];
  normalization: { scale: number; mean: number; std: number };
  frames: number;
  items: [string, number][];
  out: string;
  batch?: number;
  threads?: number;
  histogram?: { bins: number; ranges: Record<string, [number, number]> };
}

interface Stats {
  min: number;
  max: number;
  count: number;
  histogram?: number[];
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: job.threads ?? 2, graphOptimizationLevel: 'all' });
const batch = job.batch ?? 8;
const T = job.frames;
const { scale, mean, std } = job.normalization;
const table = Float32Array.from({ length: 256 }, (_, p) => (p * scale - mean) / std);
const cache = new Map<string, { shape: number[]; data: Uint8Array }>();
const framesOf = (file: string) => {
  let f = cache.get(file);
  if (!f) {
    if (cache.size > 4) cache.clear();
    f = readNpy(file) as { shape: number[]; data: Uint8Array };
    cache.set(file, f);
  }
  return f;
};

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

for (let i = 0; i < job.items.length; i += batch) {
  const items = job.items.slice(i, i + batch);
  const [, H, W] = framesOf(items[0]![0]).shape as [number, number, number];
  const plane = H * W;
  const x = new Float32Array(items.length * T * plane);
  items.forEach(([file, end], b) => {
    const { data } = framesOf(file);
    const first = (end - T + 1) * plane;
    for (let k = 0; k < T * plane; k++) x[b * T * plane + k] = table[data[first + k]!]!;
  });
  const res = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [items.length, 1, T, H, W]) }, job.outputs);
  for (const name of job.outputs) accumulate(name, res[name]!.data as Float32Array);
  if ((i / batch) % 16 === 0) process.stderr.write(`activation ranges ${i + items.length}/${job.items.length}\n`);
}
fs.writeFileSync(job.out, JSON.stringify(Object.fromEntries(stats)));
