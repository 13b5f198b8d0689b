/**
 * CPU per frame of the archive pipeline's main-thread kernels (issue 9), before and
 * after, side by side in one process: crop-pad (1136x852 -> 600x600 around the B-mode
 * region), resize (600 -> 150), sliding-window (9 frames) and the model's batch-buffer
 * fill. Run: npx tsx --expose-gc bench/main-thread-kernels.ts [--rounds 9] [--frames 300]
 *
 * Each round times `frames` calls of the old kernel, then of the new one (the order
 * alternates between rounds); a cell is the median over rounds of CPU time per call
 * (process.cpuUsage: user + system of the whole process, so garbage collection on
 * helper threads counts) and of wall time (performance.now). CPU time is the number
 * to read on a shared machine. With --expose-gc, garbage is collected (untimed) before
 * each timed block, so one side's garbage is not collected on the other's clock; the
 * garbage a block makes itself still counts. Old and new outputs are checked to be
 * bit-identical before any timing.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resizeGray } from '../src/image/area-resize.js';
import { readModelInfo } from '../src/model/model-info.js';
import { WindowInput } from '../src/stages/onnx-inference/window-model.js';
import { cropPadFrame } from '../src/stages/crop-pad.js';
import { WindowAssembler } from '../src/stages/sliding-window.js';
import type { Box, FrameEvent, PipelineEvent, WindowEvent } from '../src/core/events.js';
import { affineIntoBefore, blockMeanBefore, cropPadFrameBefore, WindowAssemblerBefore } from './reference-kernels.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' }, frames: { type: 'string', default: '300' } } });
const ROUNDS = Number(values.rounds);
const FRAMES = Number(values.frames);
const T = 9;
const SIDE = 150;

// A phantom-sized screen (1136x852) with the B-mode region of the bench clip (phantom-4242-s000).
const SCREEN = { width: 1136, height: 852 };
const REGION: Box = { x: 229, y: 104, width: 598, height: 644 };
const DISTINCT = 32;

function noiseFrame(seq: number): FrameEvent {
  const { width, height } = SCREEN;
  const pixels = new Uint8Array(width * height);
  let s = (seq * 2654435761) >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    pixels[i] = s & 255;
  }
  return { kind: 'frame', seq, ptsMs: seq * 33.3, width, height, pixels, source: { uri: 'bench:', examId: 'e', frameIndex: seq }, meta: { usRegion: REGION } };
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

interface Row {
  kernel: string;
  per: string;
  oldCpuUs: number;
  newCpuUs: number;
  oldWallUs: number;
  newWallUs: number;
}

interface Cell {
  cpuUs: number[];
  wallUs: number[];
}

/** Median CPU and wall microseconds per call of old and new over ROUNDS rounds. */
function race(name: string, per: string, makeOld: () => (i: number) => void, makeNew: () => (i: number) => void): Row {
  const cells = { old: { cpuUs: [], wallUs: [] } as Cell, new: { cpuUs: [], wallUs: [] } as Cell };
  const time = (run: (i: number) => void, cell: Cell | undefined) => {
    collectGarbage(); // so that one side's garbage is not collected on the other's clock
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = 0; i < FRAMES; i++) run(i);
    const w1 = performance.now();
    const c = process.cpuUsage(c0);
    cell?.cpuUs.push((c.user + c.system) / FRAMES);
    cell?.wallUs.push(((w1 - w0) * 1000) / FRAMES);
  };
  time(makeOld(), undefined); // warm-up: let both reach optimised code
  time(makeNew(), undefined);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
    for (const which of order) time(which === 'old' ? makeOld() : makeNew(), cells[which]);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row: Row = {
    kernel: name,
    per,
    oldCpuUs: med(cells.old.cpuUs),
    newCpuUs: med(cells.new.cpuUs),
    oldWallUs: med(cells.old.wallUs),
    newWallUs: med(cells.new.wallUs),
  };
  rows.push(row);
  return row;
}

const rows: Row[] = [];
const screens = Array.from({ length: DISTINCT }, (_, i) => noiseFrame(i));
const cropConfig = { centre: 'us-region', cropToRegion: true, fill: 0 } as const;
const cropOld = (f: FrameEvent) => cropPadFrameBefore(f, 600, 600, cropConfig).pixels;
const cropNew = (f: FrameEvent) => cropPadFrame(f, 600, 600, cropConfig).pixels;
const crops = screens.map(cropNew);
const small = crops.map((p, i) => ({
  ...screens[i]!,
  width: SIDE,
  height: SIDE,
  pixels: resizeGray({ width: 600, height: 600, pixels: p }, SIDE, SIDE).pixels,
}));
const frameAt = (i: number): FrameEvent => ({ ...small[i % DISTINCT]!, seq: i, source: { uri: 'bench:', examId: 'e', frameIndex: i } });

// Bit-identical outputs, before any timing.
const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
for (let i = 0; i < DISTINCT; i++) {
  if (!same(cropOld(screens[i]!), crops[i]!)) throw new Error(`crop-pad differs on frame ${i}`);
  if (!same(blockMeanBefore({ width: 600, pixels: crops[i]! }, SIDE, SIDE, 4, 4), small[i]!.pixels)) throw new Error(`resize differs on frame ${i}`);
}
const info = readModelInfo(path.resolve(import.meta.dirname, '../models/autodvt.onnx'));
const input = () => new WindowInput(info);
const { a: A, b: B } = input();
const plane = T * SIDE * SIDE;
const windowConfig = { size: T, step: 1, maxGapFrames: 2, onGap: 'reset' } as const;
const windowOf = (out: PipelineEvent[]) => out[1] as WindowEvent | undefined;
{
  const before = new WindowAssemblerBefore(windowConfig);
  const after = new WindowAssembler(windowConfig);
  const a = new Float32Array(plane);
  const b = new Float32Array(plane);
  const writer = input();
  for (let i = 0; i < 3 * T; i++) {
    const old = windowOf(before.push(frameAt(i)));
    const w = windowOf(after.push(frameAt(i)));
    if (!old !== !w) throw new Error(`window ${i}: one path made a window, the other did not`);
    if (!old || !w) continue;
    const data = old.data;
    affineIntoBefore(a, data, A, B);
    writer.write(b, w);
    if (!same(a, b)) throw new Error(`model input differs at window ${i}`);
    if (!same(data, w.data)) throw new Error(`window data differs at window ${i}`);
  }
}

// Timings.
race(
  'crop-pad 1136x852 -> 600 (region)',
  'frame',
  () => (i) => cropOld(screens[i % DISTINCT]!),
  () => (i) => cropNew(screens[i % DISTINCT]!),
);
race(
  'resize 600 -> 150',
  'frame',
  () => (i) => blockMeanBefore({ width: 600, pixels: crops[i % DISTINCT]! }, SIDE, SIDE, 4, 4),
  () => (i) => resizeGray({ width: 600, height: 600, pixels: crops[i % DISTINCT]! }, SIDE, SIDE),
);

const oldAssembler = () => {
  const a = new WindowAssemblerBefore(windowConfig);
  return (i: number) => a.push(frameAt(i));
};
const newAssembler = () => {
  const a = new WindowAssembler(windowConfig);
  return (i: number) => a.push(frameAt(i));
};
race('sliding-window 9 x 150x150', 'frame', oldAssembler, newAssembler);

// The fill alone, on windows made beforehand (untimed): at step 1 each window brings one
// frame the model has not seen, as in a run. The old fill's cost does not depend on the data.
const oldWindows: Float32Array[] = [];
{
  const before = new WindowAssemblerBefore(windowConfig);
  for (let i = 0; i < DISTINCT + T - 1; i++) {
    const w = windowOf(before.push(frameAt(i)));
    if (w) oldWindows.push(w.data);
  }
}
const newWindowsOfARun = (): WindowEvent[] => {
  const after = new WindowAssembler(windowConfig);
  const out: WindowEvent[] = [];
  for (let i = 0; out.length < FRAMES; i++) {
    const w = windowOf(after.push(frameAt(i)));
    if (w) out.push(w);
  }
  return out;
};
const batch = new Float32Array(8 * plane);
const slot = (i: number) => batch.subarray((i % 8) * plane, ((i % 8) + 1) * plane);
race(
  'batch-buffer fill (one window)',
  'window',
  () => (i) => affineIntoBefore(slot(i), oldWindows[i % oldWindows.length]!, A, B),
  () => {
    const writer = input();
    const windows = newWindowsOfARun();
    return (i) => writer.write(slot(i), windows[i]!);
  },
);

// Everything the window path costs per frame: assemble, then fill the batch slot.
race(
  'sliding-window + fill',
  'frame',
  () => {
    const a = new WindowAssemblerBefore(windowConfig);
    return (i) => {
      const w = windowOf(a.push(frameAt(i)));
      if (w) affineIntoBefore(slot(i), w.data, A, B);
    };
  },
  () => {
    const a = new WindowAssembler(windowConfig);
    const writer = input();
    return (i) => {
      const w = windowOf(a.push(frameAt(i)));
      if (w) writer.write(slot(i), w);
    };
  },
);

const fmt = (us: number) => (us / 1000).toFixed(3);
const lines = [
  `main-thread kernels, ms per call: median of ${ROUNDS} rounds x ${FRAMES} calls, old and new alternating in one process (node ${process.version}${(globalThis as { gc?: unknown }).gc ? ', gc between blocks' : ''})`,
  '',
  '| kernel | per | old CPU ms | new CPU ms | CPU new/old | old wall ms | new wall ms |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.kernel} | ${r.per} | ${fmt(r.oldCpuUs)} | ${fmt(r.newCpuUs)} | ${(r.newCpuUs / r.oldCpuUs).toFixed(2)} | ${fmt(r.oldWallUs)} | ${fmt(r.newWallUs)} |`,
  ),
];
const total = (k: 'oldCpuUs' | 'newCpuUs') => rows.filter((r) => !r.kernel.startsWith('sliding-window +')).reduce((s, r) => s + r[k], 0);
lines.push('', `crop-pad + resize + sliding-window + fill, CPU per frame at step 1: ${fmt(total('oldCpuUs'))} -> ${fmt(total('newCpuUs'))} ms`);
console.log(lines.join('\n'));
