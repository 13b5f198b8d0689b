/**
 * Benchmark of the text-removal stage over a 300-frame clip (not a timed test):
 *   - live mode, frames paced at the clip's rate: main-thread cost per frame (what the
 *     stage adds to the event loop; OCR runs in tesseract's worker threads), at steady
 *     state (after the first mask) and overall;
 *   - file mode: wall time per frame including waiting for every keyframe's OCR.
 *
 *   npx tsx bench/text-removal.ts [--clip ../shared/fixtures/video/ge_logiqbooke_brachial_color.mov] [--frames 300] [--pool 2]
 */
import path from 'node:path';
import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import type { FrameEvent, PipelineEvent } from '../src/events.js';
import { textRemovalOperator, textRemovalStage } from '../src/stages/text-removal/index.js';
import { defaultLangPath } from '../src/text-removal/lang-data.js';
import type { OcrEngine } from '../src/text-removal/ocr-engine.js';
import { createTesseractPool } from '../src/text-removal/tesseract-pool.js';
import { decodeVideo } from '../src/video/index.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const root = path.resolve(import.meta.dirname, '..');
const clip = path.resolve(root, arg('clip', '../shared/fixtures/video/ge_logiqbooke_brachial_color.mov'));
const n = Number(arg('frames', '300'));
const pool = Number(arg('pool', '2'));

const frames: FrameEvent[] = [];
for await (const f of decodeVideo(clip, { maxFrames: n })) {
  frames.push({ kind: 'frame', seq: f.index, ptsMs: f.ptsMs, width: f.width, height: f.height, pixels: f.pixels, source: { uri: clip, examId: 'bench', frameIndex: f.index }, meta: {} });
}
const config = textRemovalStage.schema.parse({ pool });
let ocrRuns = 0;
const engine = (): OcrEngine => {
  const e = createTesseractPool({ size: pool, langPath: defaultLangPath()!, lang: 'eng', psm: config.psm, timeoutMs: 60_000, scope: 'bench' });
  return { recognize: (img) => (ocrRuns++, e.recognize(img)), terminate: () => e.terminate() };
};
const warnings: string[] = [];
const ctx = (live: boolean) => ({ live, warn: (m: string) => warnings.push(m) });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log(`${path.basename(clip)}: ${frames.length} frames ${frames[0]!.width}x${frames[0]!.height}, pool ${pool}, polarity ${config.polarity}, scale ${config.scale}`);

// Live: pace at the clip's frame rate, time each synchronous push.
{
  ocrRuns = 0;
  const input = new Subject<PipelineEvent>();
  const out: FrameEvent[] = [];
  const sub = input.pipe(textRemovalOperator(config, ctx(true), engine)).subscribe((e) => out.push(e as FrameEvent));
  const costs: number[] = [];
  let firstOut = -1;
  const t0 = performance.now();
  for (const [i, f] of frames.entries()) {
    const due = t0 + f.ptsMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const before = out.length;
    const s = performance.now();
    input.next(f);
    costs.push(performance.now() - s);
    if (firstOut < 0 && out.length > before) firstOut = i;
  }
  sub.unsubscribe();
  const steady = costs.slice(Math.max(0, firstOut));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `live: main-thread cost per frame ${mean(costs).toFixed(2)} ms mean over all ${costs.length}; steady state (from frame ${firstOut}, first mask ready) ` +
      `mean ${mean(steady).toFixed(2)} ms, p50 ${pct(steady, 0.5).toFixed(2)}, p95 ${pct(steady, 0.95).toFixed(2)}, max ${Math.max(...steady).toFixed(1)}; ` +
      `${frames.length - out.length} frames dropped before the first mask; ${ocrRuns} OCR jobs`,
  );
}

// File: as fast as possible, waiting for each keyframe's OCR.
{
  ocrRuns = 0;
  const t0 = performance.now();
  await firstValueFrom(from(frames as PipelineEvent[]).pipe(textRemovalOperator(config, ctx(false), engine), toArray()));
  const ms = performance.now() - t0;
  console.log(`file: ${(ms / frames.length).toFixed(2)} ms/frame amortised (${ms.toFixed(0)} ms for ${frames.length} frames, ${ocrRuns} OCR jobs, worker start included)`);
}
if (warnings.length) console.log(`${warnings.length} warnings, e.g. ${warnings[0]}`);

// Main-thread work alone (tracker, keyframe image preparation, fill), with OCR answers
// replayed from one real OCR per polarity: what the stage costs when the tesseract
// threads do not compete for the same cores.
{
  const real = engine();
  const cache = new Map<boolean, Awaited<ReturnType<OcrEngine['recognize']>>>();
  const replay: OcrEngine = {
    async recognize(img) {
      const inverted = img.pixels[0]! > 127;
      if (!cache.has(inverted)) cache.set(inverted, await real.recognize(img));
      return cache.get(inverted)!;
    },
    terminate: () => real.terminate(),
  };
  await firstValueFrom(from(frames.slice(0, 20) as PipelineEvent[]).pipe(textRemovalOperator(config, ctx(false), () => replay), toArray()));
  const t0 = performance.now();
  const out = await firstValueFrom(from(frames as PipelineEvent[]).pipe(textRemovalOperator(config, ctx(false), () => replay), toArray()));
  const ms = performance.now() - t0;
  const boxes = (out.at(-1) as FrameEvent).meta.redactions?.length ?? 0;
  console.log(`main thread only (OCR replayed): ${(ms / frames.length).toFixed(2)} ms/frame over ${frames.length} frames, ${boxes} boxes filled per frame`);
  await real.terminate();
}
