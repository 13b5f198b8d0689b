/**
 * Where the CPU of the archive pipeline goes, per frame (issue 9): the bench's archive
 * scenario without text removal (video-file → crop-pad → resize → sliding-window →
 * onnx-inference window batch N → compressibility → console, through measureRun, as
 * `autodvt bench` runs it), split by thread, beside the model alone in the same process.
 *
 *   npx tsx bench/archive-cpu.ts [--model FILE] [--batch 8] [--threads 0] [--duration 10] [--rounds 5] [--profile OUT.cpuprofile]
 *
 * CPU is counted per thread from /proc (schedstat: ns on a CPU), so that a shared
 * machine's load does not enter the numbers the way it enters wall time:
 *   main, in session.run   the main thread inside onnxruntime's run() (it is one of the model's threads)
 *   main, the rest         JavaScript, event handling, GC on the main thread: what issue 9 calls non-model
 *   onnxruntime pool       the threads the pipeline's session created (its intra-op pool)
 *   other threads          V8's helper threads (concurrent GC), libuv
 *   ffmpeg                 the decoder child process (/proc/self/stat cutime + cstime, 10 ms ticks)
 * The model-only rows run session.run on random input at the same batch, with the
 * pipeline's session options, between pipeline runs: model CPU per window. Full
 * (mark-compact) collections are counted from perf_hooks' gc entries.
 * Each cell is the median over rounds. Linux only. `--profile` writes a V8 CPU profile of
 * the main thread during the pipeline rounds only (open it in Chrome DevTools, or
 * summarise it with bench/cpu-profile-summary.ts).
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchInputs } from '../src/measurement/bench-input.js';
import { endedChildrenCpuMs } from '../src/measurement/child-cpu.js';
import { measureRun } from '../src/measurement/measure-run.js';
import { cpuThreadSessionOptions } from '../src/model/cpu-thread-options.js';
import { readModelInfo } from '../src/model/model-info.js';
import { SHIPPED_MODEL } from '../src/model/shipped-models.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    batch: { type: 'string', default: '8' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    profile: { type: 'string' },
    threads: { type: 'string', default: '0' },
  },
});
const model = values.model ? path.resolve(values.model) : SHIPPED_MODEL;
const batch = Number(values.batch);
const rounds = Number(values.rounds);
/** onnx-inference `threads` (intra-op threads; 0 = onnxruntime's choice, one per core). */
const threads = Number(values.threads);

/** ns on a CPU of every live thread of this process. */
function threadTimes(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      out.set(Number(tid), Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

function mainThreadNs(): number {
  return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

// Count the main thread's time inside onnxruntime's synchronous run(), and note the
// threads each session creates (its pool), by wrapping the native binding.
const require = createRequire(import.meta.url);
const binding = require(path.join(path.dirname(require.resolve('onnxruntime-node')), 'binding.js')).binding as {
  InferenceSession: new () => { run(...a: unknown[]): unknown; loadModel(...a: unknown[]): unknown };
};
let inRunNs = 0;
const poolThreads = new Set<number>();
// The native methods are read-only; the backend looks the class up on `binding` at each
// session's creation, so a subclass put there wraps them.
binding.InferenceSession = class extends binding.InferenceSession {
  override run(...a: unknown[]): unknown {
    const t0 = mainThreadNs();
    try {
      return super.run(...a);
    } finally {
      inRunNs += mainThreadNs() - t0;
    }
  }
  override loadModel(...a: unknown[]): unknown {
    const before = new Set(threadTimes().keys());
    const r = super.loadModel(...a);
    for (const tid of threadTimes().keys()) if (!before.has(tid)) poolThreads.add(tid);
    return r;
  }
};

// Full (mark-compact) collections, by start time.
const majorGcs: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs.push(e.startTime);
  }
}).observe({ entryTypes: ['gc'] });

interface Sample {
  frames: number;
  /** Full collections per 100 frames. */
  fullGcs: number;
  peakRssMB: number;
  fps: number;
  wallS: number;
  mainRun: number;
  mainRest: number;
  pool: number;
  other: number;
  ffmpeg: number;
  process: number;
}

const clip = (await benchInputs(4242, Number(values.duration))).mp4;
const baseDir = path.dirname(clip);
const pipeline = {
  source: { type: 'video-file', path: clip },
  stages: [
    { type: 'crop-pad', size: 600 },
    { type: 'resize', size: 150 },
    { type: 'sliding-window', size: 9 },
    { type: 'onnx-inference', model, mode: 'window', batch, threads, warmup: true, spinWait: false },
    { type: 'compressibility' },
  ],
  sinks: [{ type: 'console', intervalMs: 0 }],
  flow: { metricsIntervalMs: 0 },
};

async function pipelineRound(): Promise<Sample> {
  poolThreads.clear();
  const t0 = threadTimes();
  const c0 = process.cpuUsage();
  const k0 = endedChildrenCpuMs() ?? 0;
  const r0 = inRunNs;
  const w0 = performance.now();
  const m = await measureRun(pipeline, baseDir);
  const w1 = performance.now();
  await new Promise((r) => setImmediate(r)); // gc entries arrive asynchronously
  const t1 = threadTimes();
  const cpu = process.cpuUsage(c0);
  const ffmpeg = (endedChildrenCpuMs() ?? 0) - k0;
  const delta = (tid: number) => ((t1.get(tid) ?? 0) - (t0.get(tid) ?? 0)) / 1e6;
  let pool = 0;
  let other = 0;
  for (const tid of t1.keys()) {
    if (tid === process.pid) continue;
    if (poolThreads.has(tid)) pool += delta(tid);
    else other += delta(tid);
  }
  const mainRun = (inRunNs - r0) / 1e6;
  const f = m.frames;
  return {
    frames: f,
    fullGcs: (100 * majorGcs.filter((t) => t >= w0 && t <= w1).length) / f,
    peakRssMB: m.peakRssMB,
    fps: m.framesPerSecond,
    wallS: m.seconds,
    mainRun: mainRun / f,
    mainRest: (delta(process.pid) - mainRun) / f,
    pool: pool / f,
    other: other / f,
    ffmpeg: ffmpeg / f,
    process: (cpu.user + cpu.system) / 1000 / f,
  };
}

/** Model alone: CPU ms per window (all threads of the process) and windows/s. */
async function modelRound(iterations = 30): Promise<{ cpuPerWindow: number; perSecond: number }> {
  const ort = await import('onnxruntime-node');
  const info = readModelInfo(model);
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], ...cpuThreadSessionOptions({ threads, spinWait: false }) });
  const data = new Float32Array(batch * info.frames * info.height * info.width);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 0.5;
  const input = new ort.Tensor('float32', data, [batch, 1, info.frames, info.height, info.width]);
  for (let i = 0; i < 3; i++) await session.run({ [info.inputName]: input });
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < iterations; i++) await session.run({ [info.inputName]: input });
  const wall = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(c0);
  await session.release();
  return { cpuPerWindow: (cpu.user + cpu.system) / 1000 / (iterations * batch), perSecond: (iterations * batch) / wall };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (s: string) => process.stderr.write(s + '\n');

log(`model ${path.relative(process.cwd(), model)}, batch ${batch}, threads ${threads || 'auto'}, clip ${clip}`);
await measureRun(pipeline, baseDir); // warm-up: module loading, ffmpeg -version, JIT
const samples: Sample[] = [];
const models: { cpuPerWindow: number; perSecond: number }[] = [];
const inspector = values.profile ? new Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
}
for (let r = 0; r < rounds; r++) {
  await inspector?.post('Profiler.start');
  const s = await pipelineRound();
  if (inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    fs.writeFileSync(rounds > 1 ? values.profile!.replace(/(\.cpuprofile)?$/, `.${r + 1}.cpuprofile`) : values.profile!, JSON.stringify(profile));
  }
  const mo = await modelRound();
  samples.push(s);
  models.push(mo);
  log(
    `round ${r + 1}: ${s.frames} frames, ${s.fps.toFixed(1)} fps | ms/frame: main in run ${s.mainRun.toFixed(2)}, main rest ${s.mainRest.toFixed(2)}, ` +
      `ort pool ${s.pool.toFixed(2)}, other threads ${s.other.toFixed(2)}, ffmpeg ${s.ffmpeg.toFixed(2)}, node process ${s.process.toFixed(2)}, ` +
      `full GCs ${s.fullGcs.toFixed(1)}/100 frames | ` +
      `model alone ${mo.cpuPerWindow.toFixed(2)} ms/window, ${mo.perSecond.toFixed(1)}/s`,
  );
}
const med = (k: keyof Sample) => median(samples.map((s) => s[k]));
const rows: [string, number][] = [
  ['main thread, in session.run', med('mainRun')],
  ['main thread, the rest (JS, events, GC)', med('mainRest')],
  ['onnxruntime pool threads', med('pool')],
  ['other threads (V8 helpers, libuv)', med('other')],
  ['node process total (cpuUsage)', med('process')],
  ['ffmpeg (child process)', med('ffmpeg')],
];
const modelCpu = median(models.map((m) => m.cpuPerWindow));
const modelFps = median(models.map((m) => m.perSecond));
console.log(`| CPU per frame, median of ${rounds} rounds | ms |\n| --- | --- |`);
for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(2)} |`);
console.log(`| model alone, batch ${batch} (all threads, per window) | ${modelCpu.toFixed(2)} |`);
console.log(`\nfull (mark-compact) collections: ${med('fullGcs').toFixed(1)} per 100 frames; peak RSS ${med('peakRssMB').toFixed(0)} MB`);
console.log(
  `\npipeline ${med('fps').toFixed(1)} frames/s (wall, noisy), model alone ${modelFps.toFixed(1)} windows/s: ratio ${(med('fps') / modelFps).toFixed(2)}`,
);
