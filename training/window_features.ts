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
import { windowBatches, type WindowJob } from './dataset-windows.js';

interface Job extends WindowJob {
  out: string;
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
const out = fs.openSync(job.out, 'w');
let calls = 0;
for await (const { done, results } of windowBatches(job, 16)) {
  const f = results.features!.data as Float32Array;
  fs.writeSync(out, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  if (calls++ % 20 === 0) process.stderr.write(`features ${done}/${job.items.length}\n`);
}
fs.closeSync(out);
