/**
 * Capture-to-result latency of a live run at 30 fps: ffmpeg plays a 640x480 test
 * picture in real time into the `stdin` source, through crop-pad, resize,
 * sliding-window, onnx-inference (CPU provider, the tiny test model: same
 * architecture as the shipped one, so the same cost) and compressibility when it is
 * registered. Text removal runs in a second configuration when it is registered.
 *
 * Run: node --import tsx bench/live-latency.ts [seconds=20] [threads=0]
 *
 * Latency is measured per frame by the pipeline's metrics (capture time to the last
 * event derived from the frame reaching the sinks); "model ms" is onnxruntime's own
 * time per window. Numbers depend on what else the machine is doing: the load average
 * is printed with them.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { LatencyHistogram } from '../src/flow/latency-histogram.js';
import { runPipeline } from '../src/pipeline.js';
import { findUnit } from '../src/core/registry.js';
import type { MetricsEvent } from '../src/core/events.js';

const seconds = Number(process.argv[2] ?? 20);
const threads = Number(process.argv[3] ?? 0);
const FPS = 30;
const MODEL = resolve(import.meta.dirname, '../models/test/tiny-random.onnx');

function yaml(withTextRemoval: boolean): string {
  const stages = [
    withTextRemoval ? '  - type: text-removal' : '',
    '  - type: crop-pad\n    size: 600',
    '  - type: resize\n    size: 150',
    '  - type: sliding-window\n    size: 9',
    `  - type: onnx-inference\n    model: ${JSON.stringify(MODEL)}\n    threads: ${threads}`,
    findUnit('stage', 'compressibility') ? '  - type: compressibility' : '',
  ].filter(Boolean);
  return `source:\n  type: stdin\n  size: 640x480\n  fps: ${FPS}\nflow:\n  metricsIntervalMs: 0\nstages:\n${stages.join('\n')}\nsinks:\n  - type: console\n    intervalMs: 0\n`;
}

async function once(withTextRemoval: boolean): Promise<Record<string, string | number>> {
  const producer = spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=640x480:rate=${FPS}`,
      '-frames:v',
      String(seconds * FPS),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stdin = new PassThrough();
  producer.stdout.pipe(stdin);
  const config = requireValid(parsePipeline(yaml(withTextRemoval), { env: {}, baseDir: process.cwd() }));
  const model = new LatencyHistogram();
  let final: MetricsEvent | undefined;
  const load = loadavg()[0]!;
  const result = await runPipeline(config, {
    baseDir: process.cwd(),
    stdin,
    stdout: { write: () => true },
    skipContextCheck: true,
    tap: (e) => {
      if (e.kind === 'prediction') model.record(e.latencyMs);
      if (e.kind === 'metrics') final = e;
    },
  });
  const c = final!.counters;
  return {
    pipeline: withTextRemoval ? 'text-removal + model' : 'model',
    frames: c.framesIn!,
    dropped: c.dropped!,
    'p50 ms': final!.latencyMs?.p50 ?? NaN,
    'p95 ms': final!.latencyMs?.p95 ?? NaN,
    'p99 ms': final!.latencyMs?.p99 ?? NaN,
    'model p50 ms': Math.round(model.quantile(0.5) * 10) / 10,
    'model p99 ms': Math.round(model.quantile(0.99) * 10) / 10,
    'heap MB': c.heapUsedMB!,
    'load avg': Math.round(load * 100) / 100,
    'run s': Math.round(result.durationMs / 100) / 10,
  };
}

const rows = [await once(false)];
if (findUnit('stage', 'text-removal')) rows.push(await once(true));
console.log(
  `live latency at ${FPS} fps, ${seconds} s, 640x480 gray on stdin, CPU provider (threads ${threads || 'auto'}), ` +
    `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
);
console.table(rows);
