/**
 * Two window models side by side in one process: model-only stacks/s (session.run on
 * the same random input, no pipeline), old and new alternating in rounds so that load
 * from other processes falls on both alike, plus the largest output difference between
 * them. Made for the time-folded export (issue #9): the shipped Conv3d model against the
 * same weights exported with the trunk as per-tap Conv2d.
 *
 *   node --import tsx bench/window-fold.ts OLD.onnx NEW.onnx [batches=1,8,16] [threads=2,1] [rounds=5] [seconds=2]
 *
 * Sessions are opened as the stages open them (cpuThreadSessionOptions, spinWait false).
 * Prints one row per batch x threads: the median stacks/s of each model over the rounds,
 * new / old, and the 1-minute load average before and after the row.
 */
import { loadavg } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { cpuThreadSessionOptions } from '../src/model/cpu-thread-options.js';
import { readModelInfo } from '../src/model/model-info.js';

const [oldFile, newFile] = [process.argv[2], process.argv[3]];
if (!oldFile || !newFile) {
  console.error('usage: node --import tsx bench/window-fold.ts OLD.onnx NEW.onnx [batches=1,8,16] [threads=2,1] [rounds=5] [seconds=2]');
  process.exit(2);
}
const list = (s: string | undefined, d: string) => (s ?? d).split(',').map(Number);
const batches = list(process.argv[4], '1,8,16');
const threadCounts = list(process.argv[5], '2,1');
const rounds = Number(process.argv[6] ?? 5);
const seconds = Number(process.argv[7] ?? 2);

const ort = await import('onnxruntime-node');
const info = readModelInfo(oldFile);
const newInfo = readModelInfo(newFile);
if ([info.frames, info.height, info.width].join() !== [newInfo.frames, newInfo.height, newInfo.width].join()) {
  throw new Error(`${oldFile} and ${newFile} take different inputs`);
}

function randomStacks(batch: number, seed: number): InstanceType<typeof ort.Tensor> {
  const data = new Float32Array(batch * info.frames * info.height * info.width);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG: reproducible input
    data[i] = (s / 2 ** 32) * 4 - 2; // about the range of normalised pixels
  }
  return new ort.Tensor('float32', data, [batch, 1, info.frames, info.height, info.width]);
}

async function stacksPerSecond(session: InferenceSession, input: InstanceType<typeof ort.Tensor>, batch: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || n < 3) {
    await session.run({ [info.inputName]: input });
    n++;
  }
  return (n * batch) / ((performance.now() - t0) / 1000);
}

function maxAbsDiff(a: Record<string, InstanceType<typeof ort.Tensor>>, b: Record<string, InstanceType<typeof ort.Tensor>>): number {
  let d = 0;
  for (const name of ['landmark', 'vein']) {
    const x = a[name]!.data as Float32Array;
    const y = b[name]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  }
  return d;
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;

console.log(`old ${oldFile}\nnew ${newFile}\nrounds ${rounds} x ${seconds} s per model, order alternating\n`);
console.log('threads  batch   old/s   new/s  new/old   load before -> after');
let worstDiff = 0;
for (const threads of threadCounts) {
  const options = { executionProviders: ['cpu'], ...cpuThreadSessionOptions({ threads, spinWait: false }) };
  const oldSession = await ort.InferenceSession.create(oldFile, options);
  const newSession = await ort.InferenceSession.create(newFile, options);
  try {
    for (const batch of batches) {
      const input = randomStacks(batch, 1000 + batch);
      worstDiff = Math.max(worstDiff, maxAbsDiff(await oldSession.run({ [info.inputName]: input }), await newSession.run({ [info.inputName]: input })));
      await stacksPerSecond(oldSession, input, batch); // warm-up
      await stacksPerSecond(newSession, input, batch);
      const load0 = loadavg()[0]!;
      const oldRate: number[] = [];
      const newRate: number[] = [];
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) {
          oldRate.push(await stacksPerSecond(oldSession, input, batch));
          newRate.push(await stacksPerSecond(newSession, input, batch));
        } else {
          newRate.push(await stacksPerSecond(newSession, input, batch));
          oldRate.push(await stacksPerSecond(oldSession, input, batch));
        }
      }
      const [o, n] = [median(oldRate), median(newRate)];
      console.log(
        `${String(threads).padStart(7)} ${String(batch).padStart(6)} ${o.toFixed(1).padStart(7)} ${n.toFixed(1).padStart(7)} ${(n / o).toFixed(2).padStart(8)}x   ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}` +
          `   (old ${oldRate.map((x) => x.toFixed(0)).join(' ')}; new ${newRate.map((x) => x.toFixed(0)).join(' ')})`,
      );
    }
  } finally {
    await oldSession.release();
    await newSession.release();
  }
}
console.log(`\nmax abs diff of the outputs (landmark, vein; every batch above): ${worstDiff.toExponential(2)}`);
