/**
 * Benchmark of the text-removal stage over a 300-frame clip (not a timed test). Runs
 * two configurations side by side in one process, so that both see the same machine
 * load (printed):
 *   - before: OCR of the whole frame at every keyframe, both polarities, every
 *     keyframe waited for in file mode (`ocrScope: area, keyframeDelay: 0`, no static ink);
 *   - after: the defaults (tiles around static ink not read before, the second polarity
 *     only where the first found nothing, periodic keyframes in the background).
 * For each:
 *   - file mode: wall time per frame including every wait for OCR, over all frames and
 *     at steady state (after the first mask), CPU time per frame of the whole process
 *     (OCR worker threads included), and the OCR jobs and pixels sent;
 *   - live mode, frames paced at the clip's rate: main-thread cost per frame (what the
 *     stage adds to the event loop; OCR runs in tesseract's worker threads).
 *
 *   npx tsx bench/text-removal.ts [--clip test/fixtures/video/ge_logiqbooke_brachial_color.mov] [--frames 300] [--pool 2] [--modes file,live] [--configs before,after]
 */
import os from 'node:os';
import path from 'node:path';
import { from, Subject } from 'rxjs';
import type { FrameEvent, PipelineEvent } from '../src/core/events.js';
import { textRemovalOperator, textRemovalStage } from '../src/stages/text-removal/index.js';
import { defaultLangPath } from '../src/redaction/lang-data.js';
import type { OcrEngine } from '../src/redaction/ocr-engine.js';
import { createTesseractPool } from '../src/redaction/tesseract-pool.js';
import { decodeVideo } from '../src/video/index.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const root = path.resolve(import.meta.dirname, '..');
const clip = path.resolve(root, arg('clip', 'test/fixtures/video/ge_logiqbooke_brachial_color.mov'));
const n = Number(arg('frames', '300'));
const pool = Number(arg('pool', '2'));
const modes = arg('modes', 'file,live').split(',');
const configNames = arg('configs', 'before,after').split(',');

const frames: FrameEvent[] = [];
for await (const f of decodeVideo(clip, { maxFrames: n })) {
  frames.push({
    kind: 'frame',
    seq: f.index,
    ptsMs: f.ptsMs,
    width: f.width,
    height: f.height,
    pixels: f.pixels,
    source: { uri: clip, examId: 'bench', frameIndex: f.index },
    meta: {},
  });
}
const configs = {
  before: textRemovalStage.schema.parse({ pool, staticInk: false, growToInk: false, ocrScope: 'area', keyframeDelay: 0 }),
  after: textRemovalStage.schema.parse({ pool }),
};
let ocrJobs = 0;
let ocrPixels = 0;
const engine = (): OcrEngine => {
  const e = createTesseractPool({ size: pool, langPath: defaultLangPath()!, lang: 'eng', psm: configs.after.psm, timeoutMs: 60_000, scope: 'bench' });
  return {
    recognize: (img) => {
      ocrJobs++;
      ocrPixels += img.width * img.height;
      return e.recognize(img);
    },
    terminate: () => e.terminate(),
  };
};
const warnings: string[] = [];
const ctx = (live: boolean) => ({ live, warn: (m: string) => warnings.push(m) });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `${path.basename(clip)}: ${frames.length} frames ${frames[0]!.width}x${frames[0]!.height}, pool ${pool}, ${os.cpus().length} cores, load average ${load()}`,
);

for (const mode of modes) {
  for (const [name, config] of Object.entries(configs).filter(([name]) => configNames.includes(name))) {
    ocrJobs = 0;
    ocrPixels = 0;
    if (mode === 'file') {
      // As fast as the stage goes: the time at which each frame comes out.
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const outAt: number[] = [];
      // Steady state: after the frames held back for the first mask came out together.
      const from0 = config.warmupFrames;
      let cpuAtFirstMask: NodeJS.CpuUsage | undefined;
      await new Promise<void>((resolve, reject) =>
        from(frames as PipelineEvent[])
          .pipe(textRemovalOperator(config, ctx(false), engine))
          .subscribe({
            next: () => {
              outAt.push(performance.now() - t0);
              if (outAt.length === from0) cpuAtFirstMask = process.cpuUsage();
            },
            error: reject,
            complete: resolve,
          }),
      );
      const total = outAt.at(-1)!;
      const steady = (total - outAt[from0 - 1]!) / (outAt.length - from0);
      // CPU time of the whole process (main thread and tesseract's worker threads): what
      // the stage costs the machine, much less sensitive to other load than wall time.
      const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
      const cpuEnd = process.cpuUsage();
      const cpuSteady = cpuAtFirstMask ? (cpuMs(cpuEnd) - cpuMs(cpuAtFirstMask)) / (outAt.length - from0) : NaN;
      console.log(
        `file ${name}: ${(total / frames.length).toFixed(2)} ms/frame amortised over ${frames.length} (${total.toFixed(0)} ms, worker start included); ` +
          `steady state from frame ${from0}: ${steady.toFixed(2)} ms/frame; CPU (all threads) ${(cpuMs(process.cpuUsage(cpu0)) / frames.length).toFixed(2)} ms/frame amortised, ` +
          `${cpuSteady.toFixed(2)} ms/frame steady; ${ocrJobs} OCR jobs, ${(ocrPixels / 1e6).toFixed(2)} Mpx sent; load ${load()}`,
      );
    } else {
      // Live: pace at the clip's frame rate, time each synchronous push.
      const input = new Subject<PipelineEvent>();
      const out: FrameEvent[] = [];
      const sub = input.pipe(textRemovalOperator(config, ctx(true), engine)).subscribe((e) => out.push(e as FrameEvent));
      const costs: number[] = [];
      let firstOut = -1;
      const t0 = performance.now();
      for (const [i, f] of frames.entries()) {
        const wait = t0 + f.ptsMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const before = out.length;
        const s = performance.now();
        input.next(f);
        costs.push(performance.now() - s);
        if (firstOut < 0 && out.length > before) firstOut = i;
      }
      sub.unsubscribe();
      const steady = costs.slice(Math.max(0, firstOut));
      console.log(
        `live ${name}: main-thread cost per frame ${mean(costs).toFixed(2)} ms mean over all ${costs.length}; steady state (from frame ${firstOut}, first mask ready) ` +
          `mean ${mean(steady).toFixed(2)} ms, p50 ${pct(steady, 0.5).toFixed(2)}, p95 ${pct(steady, 0.95).toFixed(2)}, max ${Math.max(...steady).toFixed(1)}; ` +
          `${frames.length - out.length} frames dropped before the first mask; ${ocrJobs} OCR jobs, ${(ocrPixels / 1e6).toFixed(2)} Mpx sent; load ${load()}`,
      );
    }
  }
}
if (warnings.length) console.log(`${warnings.length} warnings, e.g. ${warnings[0]}`);
