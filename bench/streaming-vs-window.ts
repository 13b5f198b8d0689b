/**
 * Streaming against window mode, model only, batch 1, in one process: the same clip of
 * random frames goes through the window model (one 9-frame stack per frame) and through
 * each streaming model (one frame per call, state fed back), the models alternating in
 * rounds so that load from other processes falls on all alike. Issue #9 asks streaming
 * frames/s >= 2.5x window frames/s at batch 1.
 *
 *   node --import tsx bench/streaming-vs-window.ts WINDOW.onnx STREAMING.onnx[,STREAMING2.onnx...] [threads=1,2] [rounds=5] [frames=150]
 *
 * Sessions are opened as the stages open them (cpuThreadSessionOptions, spinWait false).
 * Prints, per thread count, the median frames/s of each model over the rounds, each
 * streaming model / window, and the 1-minute load average before and after; then the
 * largest difference between each streaming model's outputs (from its 9th frame on)
 * and the window model's on the same 9 frames.
 */
import { loadavg } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { cpuThreadSessionOptions } from '../src/model/cpu-thread-options.js';
import { readModelInfo, type ModelInfo } from '../src/model/model-info.js';

const usage = 'usage: node --import tsx bench/streaming-vs-window.ts WINDOW.onnx STREAMING.onnx[,STREAMING2.onnx...] [threads=1,2] [rounds=5] [frames=150]';
const [windowFile, streamingList] = [process.argv[2], process.argv[3]];
if (!windowFile || !streamingList) {
  console.error(usage);
  process.exit(2);
}
const streamingFiles = streamingList.split(',');
const threadCounts = (process.argv[4] ?? '1,2').split(',').map(Number);
const rounds = Number(process.argv[5] ?? 5);
const frameCount = Number(process.argv[6] ?? 150);

const ort = await import('onnxruntime-node');
const windowInfo = readModelInfo(windowFile);
const streamingInfos = streamingFiles.map((f) => {
  const info = readModelInfo(f);
  if (!info.streaming) throw new Error(`${f} is not a streaming model (no autodvt.streaming metadata)`);
  if (info.height !== windowInfo.height || info.width !== windowInfo.width) throw new Error(`${f} and ${windowFile} take different frame sizes`);
  return info;
});
const plane = windowInfo.height * windowInfo.width;
const span = windowInfo.frames; // 9

// [frameCount + span - 1] frames, so that every timed frame has a full window behind it
const clip = new Float32Array((frameCount + span - 1) * plane);
let seed = 12345;
for (let i = 0; i < clip.length; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; // LCG: reproducible input
  clip[i] = (seed / 2 ** 32) * 4 - 2; // about the range of normalised pixels
}
const frameTensor = (t: number) => new ort.Tensor('float32', clip.subarray(t * plane, (t + 1) * plane), [1, 1, 1, windowInfo.height, windowInfo.width]);
const stackTensor = (t: number) =>
  new ort.Tensor('float32', clip.subarray((t - span + 1) * plane, (t + 1) * plane), [1, 1, span, windowInfo.height, windowInfo.width]);

type Outputs = { landmark: Float32Array; vein: Float32Array }[];
const outputsOf = (out: InferenceSession.OnnxValueMapType): Outputs[number] => ({
  landmark: (out.landmark as Tensor).data as Float32Array,
  vein: (out.vein as Tensor).data as Float32Array,
});

/** Window model over frames span-1 .. end: the outputs for each, and frames/s. */
async function runWindow(session: InferenceSession): Promise<{ perSecond: number; outputs: Outputs }> {
  const outputs: Outputs = [];
  const t0 = performance.now();
  for (let t = span - 1; t < span - 1 + frameCount; t++) outputs.push(outputsOf(await session.run({ [windowInfo.inputName]: stackTensor(t) })));
  return { perSecond: frameCount / ((performance.now() - t0) / 1000), outputs };
}

/** Streaming model from zero state over the whole clip; frames/s counts the frameCount frames after the warm-up. */
async function runStreaming(session: InferenceSession, info: ModelInfo): Promise<{ perSecond: number; outputs: Outputs }> {
  const spec = info.streaming!;
  let state: Tensor[] = spec.state.map((s) => {
    const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
    return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  });
  const outputs: Outputs = [];
  let t0 = 0;
  for (let t = 0; t < span - 1 + frameCount; t++) {
    if (t === span - 1) t0 = performance.now();
    const feeds: Record<string, Tensor> = { [spec.frame.name]: frameTensor(t) };
    spec.state.forEach((s, k) => (feeds[s.input] = state[k]!));
    const out = await session.run(feeds);
    state = spec.state.map((s) => out[s.output] as Tensor);
    if (t >= span - 1) outputs.push(outputsOf(out));
  }
  return { perSecond: frameCount / ((performance.now() - t0) / 1000), outputs };
}

function maxAbsDiff(a: Outputs, b: Outputs): number {
  let d = 0;
  a.forEach((x, i) => {
    for (const k of ['landmark', 'vein'] as const) x[k].forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i]![k][j]!))));
  });
  return d;
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const name = (f: string) => f.split('/').pop()!;

console.log(`window    ${windowFile}`);
streamingFiles.forEach((f, i) => console.log(`stream ${i}  ${f}`));
console.log(`batch 1, ${frameCount} frames per model per round, ${rounds} rounds, order rotating\n`);
const worstDiff = streamingFiles.map(() => 0);
for (const threads of threadCounts) {
  const options = { executionProviders: ['cpu'], ...cpuThreadSessionOptions({ threads, spinWait: false }) };
  const windowSession = await ort.InferenceSession.create(windowFile, options);
  const streamingSessions = await Promise.all(streamingFiles.map((f) => ort.InferenceSession.create(f, options)));
  try {
    const runs: (() => Promise<{ perSecond: number; outputs: Outputs }>)[] = [
      () => runWindow(windowSession),
      ...streamingSessions.map((s, i) => () => runStreaming(s, streamingInfos[i]!)),
    ];
    for (const run of runs) await run(); // warm-up
    const load0 = loadavg()[0]!;
    const rates: number[][] = runs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const order = runs.map((_, i) => (i + r) % runs.length); // each model first in turn
      const outputs: Outputs[] = [];
      for (const i of order) {
        const res = await runs[i]!();
        rates[i]!.push(res.perSecond);
        outputs[i] = res.outputs;
      }
      streamingFiles.forEach((_, i) => (worstDiff[i] = Math.max(worstDiff[i]!, maxAbsDiff(outputs[i + 1]!, outputs[0]!))));
    }
    const w = median(rates[0]!);
    console.log(`threads ${threads}   (load ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)})`);
    console.log(`  ${'window'.padEnd(32)} ${w.toFixed(1).padStart(7)} frames/s            (${rates[0]!.map((x) => x.toFixed(0)).join(' ')})`);
    streamingFiles.forEach((f, i) => {
      const s = median(rates[i + 1]!);
      console.log(
        `  ${name(f).padEnd(32)} ${s.toFixed(1).padStart(7)} frames/s  ${(s / w).toFixed(2).padStart(5)}x window  (${rates[i + 1]!.map((x) => x.toFixed(0)).join(' ')})`,
      );
    });
  } finally {
    await windowSession.release();
    for (const s of streamingSessions) await s.release();
  }
}
console.log('\nmax abs diff, streaming (from its 9th frame on) vs window on the same 9 frames:');
streamingFiles.forEach((f, i) => console.log(`  ${name(f).padEnd(32)} ${worstDiff[i]!.toExponential(2)}`));
