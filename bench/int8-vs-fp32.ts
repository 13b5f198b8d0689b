/**
 * The int8 models against the fp32 ones, model only, in one process: CPU milliseconds per
 * frame (user + system of the whole process, every onnxruntime thread included) and wall
 * frames/s, for the window model (one 9-frame stack per frame, batch 1 and batch 8) and the
 * streaming model (one frame per call, state fed back). The precisions alternate in rounds,
 * each first in turn, so that load from other processes falls on both alike: compare the
 * ratios. Issue 20 asks the model at ≤ 1.0 CPU ms per frame.
 *
 *   node --import tsx bench/int8-vs-fp32.ts [MODEL.onnx] [threads=1,2] [rounds=7] [frames=120]
 *
 * MODEL is the fp32 window model (default: the shipped one); its `.int8.onnx`,
 * `.streaming.onnx` and `.streaming.int8.onnx` sit beside it. Sessions are opened as the
 * stages open them (cpuThreadSessionOptions, spinWait false, graphOptimizationLevel all).
 * Prints per thread count and form: the median CPU ms per frame and frames/s of each
 * precision over the rounds, int8 / fp32, and the 1-minute load average before and after.
 * The input is a reproducible clip of random normalised pixels (int8 kernels do the same work
 * whatever the values).
 */
import { cpus, loadavg } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { cpuThreadSessionOptions } from '../src/model/cpu-thread-options.js';
import { modelFormFile } from '../src/model/model-forms.js';
import { readModelInfo, type ModelInfo } from '../src/model/model-info.js';
import { SHIPPED_MODEL } from '../src/model/shipped-models.js';

const windowFile = process.argv[2] && process.argv[2] !== '-' ? process.argv[2] : SHIPPED_MODEL;
const threadCounts = (process.argv[3] ?? '1,2').split(',').map(Number);
const rounds = Number(process.argv[4] ?? 7);
const frameCount = Number(process.argv[5] ?? 120);
const files = {
  window: { fp32: windowFile, int8: modelFormFile(windowFile, { precision: 'int8' }) },
  streaming: { fp32: modelFormFile(windowFile, { mode: 'streaming' }), int8: modelFormFile(windowFile, { mode: 'streaming', precision: 'int8' }) },
};

const ort = await import('onnxruntime-node');
const info = readModelInfo(windowFile);
const streamingInfo = readModelInfo(files.streaming.fp32);
const plane = info.height * info.width;
const span = info.frames;
const clip = new Float32Array((frameCount + span - 1) * plane);
let seed = 12345;
for (let i = 0; i < clip.length; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  clip[i] = (seed / 2 ** 32) * 4 - 2;
}

/** CPU ms of this process (all threads) and wall ms of `run`. */
async function measure(run: () => Promise<void>): Promise<{ cpuMs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs };
}

function windowRun(session: InferenceSession, batch: number): () => Promise<void> {
  return async () => {
    for (let t = span - 1; t < span - 1 + frameCount; t += batch) {
      const n = Math.min(batch, span - 1 + frameCount - t);
      const x = new Float32Array(n * span * plane);
      for (let b = 0; b < n; b++) x.set(clip.subarray((t + b - span + 1) * plane, (t + b + 1) * plane), b * span * plane);
      await session.run({ [info.inputName]: new ort.Tensor('float32', x, [n, 1, span, info.height, info.width]) });
    }
  };
}

function streamingRun(session: InferenceSession, sinfo: ModelInfo): () => Promise<void> {
  const spec = sinfo.streaming!;
  return async () => {
    let state: Tensor[] = spec.state.map((s) => {
      const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
      return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    });
    for (let t = span - 1; t < span - 1 + frameCount; t++) {
      const feeds: Record<string, Tensor> = {
        [spec.frame.name]: new ort.Tensor('float32', clip.subarray(t * plane, (t + 1) * plane), [1, 1, 1, info.height, info.width]),
      };
      spec.state.forEach((s, k) => (feeds[s.input] = state[k]!));
      const out = await session.run(feeds);
      state = spec.state.map((s) => out[s.output] as Tensor);
    }
  };
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
console.log(`${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; onnxruntime-node ${ort.env.versions.common}`);
console.log(
  `${Object.values(files)
    .flatMap((f) => Object.values(f))
    .join('\n')}`,
);
console.log(`${frameCount} frames per model per round, ${rounds} rounds, fp32 and int8 alternating\n`);
console.log('| threads | form | fp32 CPU ms/frame | int8 CPU ms/frame | int8 / fp32 CPU | fp32 frames/s | int8 frames/s | int8 / fp32 frames/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const notes: string[] = [];
for (const threads of threadCounts) {
  const options = { executionProviders: ['cpu'], ...cpuThreadSessionOptions({ threads, spinWait: false }), graphOptimizationLevel: 'all' as const };
  const open = (f: string) => ort.InferenceSession.create(f, options);
  const s = {
    window: { fp32: await open(files.window.fp32), int8: await open(files.window.int8) },
    streaming: { fp32: await open(files.streaming.fp32), int8: await open(files.streaming.int8) },
  };
  const forms: [string, Record<'fp32' | 'int8', () => Promise<void>>][] = [
    ['window, batch 1', { fp32: windowRun(s.window.fp32, 1), int8: windowRun(s.window.int8, 1) }],
    ['window, batch 8', { fp32: windowRun(s.window.fp32, 8), int8: windowRun(s.window.int8, 8) }],
    ['streaming, batch 1', { fp32: streamingRun(s.streaming.fp32, streamingInfo), int8: streamingRun(s.streaming.int8, streamingInfo) }],
  ];
  const load0 = loadavg()[0]!;
  for (const [form, runs] of forms) {
    await runs.fp32();
    await runs.int8(); // warm-up
    const res = { fp32: [] as { cpuMs: number; wallMs: number }[], int8: [] as { cpuMs: number; wallMs: number }[] };
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? (['fp32', 'int8'] as const) : (['int8', 'fp32'] as const)) res[p].push(await measure(runs[p]));
    }
    const cpu = (p: 'fp32' | 'int8') => median(res[p].map((m) => m.cpuMs / frameCount));
    const fps = (p: 'fp32' | 'int8') => median(res[p].map((m) => frameCount / (m.wallMs / 1000)));
    console.log(
      `| ${threads} | ${form} | ${cpu('fp32').toFixed(2)} | ${cpu('int8').toFixed(2)} | ${(cpu('int8') / cpu('fp32')).toFixed(2)} | ${fps('fp32').toFixed(1)} | ${fps('int8').toFixed(1)} | ${(fps('int8') / fps('fp32')).toFixed(2)} |`,
    );
  }
  notes.push(`threads ${threads}: load average ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`);
  for (const p of Object.values(s)) for (const x of Object.values(p)) await x.release();
}
console.log(`\n${notes.join('\n')}`);
