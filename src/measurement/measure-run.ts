/**
 * Run one pipeline for the bench and measure it: end-to-end frames/s, the final
 * metrics (capture-to-result latency percentiles, per-stage residence time), CPU
 * per frame (this process and the decoder processes), and peak memory sampled every
 * 50 ms.
 */
import { parsePipeline, requireValid } from '../core/config/load-pipeline.js';
import { systemClock, type Clock } from '../core/context.js';
import { runPipeline } from '../pipeline.js';
import { endedChildrenCpuMs } from './child-cpu.js';
import type { MetricsEvent } from '../core/events.js';

export interface RunMeasurement {
  frames: number;
  predictions: number;
  seconds: number;
  framesPerSecond: number;
  latencyMs?: { p50: number; p95: number; p99: number };
  stageMs: Record<string, { p50: number; p99: number }>;
  dropped: number;
  /** CPU of this process per frame, user + system, ms: every thread (the model's, GC's), startup included. */
  cpuMsPerFrame: number;
  /** CPU of the child processes that ended during the run (the ffmpeg decoder) per frame, ms; Linux only. */
  childCpuMsPerFrame?: number;
  peakRssMB: number;
  peakHeapMB: number;
}

/** `clock` runs the pipeline, paces the memory samples and times the run (the system clock by default). */
export async function measureRun(pipeline: Record<string, unknown>, baseDir: string, clock: Clock = systemClock): Promise<RunMeasurement> {
  const config = requireValid(parsePipeline(JSON.stringify(pipeline), { env: {}, baseDir }));
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const stopSampling = clock.every(50, sample);
  let predictions = 0;
  let metrics: MetricsEvent | undefined;
  const cpu0 = process.cpuUsage();
  const children0 = endedChildrenCpuMs();
  const t0 = clock.monotonic();
  try {
    await runPipeline(config, {
      baseDir,
      clock,
      skipContextCheck: false,
      stdout: { write: () => true },
      stderr: { write: () => true },
      tap: (e) => {
        if (e.kind === 'prediction') predictions++;
        if (e.kind === 'metrics') metrics = e;
      },
    });
  } finally {
    stopSampling();
    sample();
  }
  const seconds = (clock.monotonic() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const children1 = endedChildrenCpuMs();
  const counters = metrics?.counters ?? {};
  const frames = counters.framesProcessed ?? 0;
  const stageMs: RunMeasurement['stageMs'] = {};
  for (const [key, value] of Object.entries(counters)) {
    const m = /^stageMs\.(.+)\.(p50|p99)$/.exec(key);
    if (m) (stageMs[m[1]!] ??= { p50: 0, p99: 0 })[m[2] as 'p50' | 'p99'] = value;
  }
  return {
    frames,
    predictions,
    seconds,
    framesPerSecond: frames / seconds,
    latencyMs: metrics?.latencyMs,
    stageMs,
    dropped: counters.dropped ?? 0,
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / frames,
    childCpuMsPerFrame: children0 === undefined || children1 === undefined ? undefined : (children1 - children0) / frames,
    peakRssMB: peakRss / 2 ** 20,
    peakHeapMB: peakHeap / 2 ** 20,
  };
}
