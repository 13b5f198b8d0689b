/**
 * Pooled features of dataset windows through onnxruntime-node, for
 * training/fit_in_distribution.py (PyTorch on this CPU is ~50x slower for the window model).
 *
 *   node --import tsx training/window_features.ts JOB.json
 *
 * JOB: { model: a window model with a `features` output [batch, D], normalization:
 * {scale, mean, std}, frames: 9, items: [[frames .npy file, index of the window's newest
 * frame], ...], out: file }. Writes the features as raw little-endian float32 [items, D]
 * to `out`, in item order.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readNpy } from '../src/dataset/read-npy.js';

interface Job {
  model: string;
  normalization: { scale: number; mean: number; std: number };
  frames: number;
  items: [string, number][];
  out: string;
  batch?: number;
  threads?: number;
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: job.threads ?? 2, graphOptimizationLevel: 'all' });
const batch = job.batch ?? 16;
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
const out = fs.openSync(job.out, 'w');
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
  const res = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [items.length, 1, T, H, W]) });
  const f = res.features!.data as Float32Array;
  fs.writeSync(out, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  if ((i / batch) % 20 === 0) process.stderr.write(`features ${i + items.length}/${job.items.length}\n`);
}
fs.closeSync(out);
