/**
 * Decode speed of the two video decoders, frames per second to 8-bit gray, on the
 * largest fixture clip and two more. Run: node --import tsx bench/video-decode.ts
 *
 * Each cell is the best of 3 runs of the whole clip, after one warm-up run (the
 * warm-up pays for starting the wasm worker and instantiating the module; that cost
 * is printed separately). "first frame" is the latency from the call to the first frame.
 */
import { join, resolve } from 'node:path';
import { cpus } from 'node:os';
import { closeWasmWorkers, decodeVideo, nativeFfmpegAvailable } from '../src/video/index.js';

const VIDEO_DIR = resolve(import.meta.dirname, '../test/fixtures/video');
const CLIPS = ['philips_lumify_cardiac_s4-1.mp4', 'ge_logiqbooke_brachial_color.mov', 'lung_convex_mpeg2ps_no_text.mpeg'];
const RUNS = 3;

interface Run {
  frames: number;
  ms: number;
  firstFrameMs: number;
  size: string;
}

async function decodeOnce(path: string, decoder: 'native' | 'wasm'): Promise<Run> {
  const start = performance.now();
  let firstFrameMs = 0;
  let frames = 0;
  let size = '';
  for await (const frame of decodeVideo(path, { decoder })) {
    if (frames++ === 0) {
      firstFrameMs = performance.now() - start;
      size = `${frame.width}x${frame.height}`;
    }
  }
  return { frames, ms: performance.now() - start, firstFrameMs, size };
}

async function main(): Promise<void> {
  const decoders = (nativeFfmpegAvailable() ? ['native', 'wasm'] : ['wasm']) as ('native' | 'wasm')[];
  const rows: Record<string, string | number>[] = [];
  const t0 = performance.now();
  await decodeOnce(join(VIDEO_DIR, 'philips_color_doppler_20frames.mov'), 'wasm');
  const wasmStartMs = performance.now() - t0;
  for (const clip of CLIPS) {
    const path = join(VIDEO_DIR, clip);
    for (const decoder of decoders) {
      await decodeOnce(path, decoder);
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await decodeOnce(path, decoder));
      const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
      rows.push({
        clip,
        size: best.size,
        decoder,
        frames: best.frames,
        'ms (best of 3)': Math.round(best.ms),
        'frames/s': Math.round((best.frames * 1000) / best.ms),
        'first frame ms': Math.round(best.firstFrameMs),
      });
    }
  }
  closeWasmWorkers();
  console.log(`video decode to gray8, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(`wasm cold start (compile + worker + first 20-frame clip): ${Math.round(wasmStartMs)} ms`);
  console.table(rows);
}

await main();
