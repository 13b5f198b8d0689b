/**
 * CPU per frame of `field-of-view` against crop-pad 600 + resize 150, side by side in one
 * process, on the bench clip's 1136x852 screen and B-mode region, at several screen
 * spacings (docs/verdict-runs/2026-12-08-field-of-view-rule.md, criterion 4). At 0.085 mm
 * per pixel the window is 600 pixels and takes resize's 4x4 fast path; other spacings take
 * the general area-averaging path. `physical-scale` + crop-pad + resize is timed too, for
 * the record of why it was not shipped.
 *
 *   npx tsx --expose-gc bench/field-of-view.ts [--rounds 7] [--frames 200]
 *
 * Each round times `frames` calls of each kernel in turn (the order rotates between rounds);
 * a cell is the median over rounds of CPU time per call (process.cpuUsage, user + system).
 */
import { parseArgs } from 'node:util';
import { cropPadFrame } from '../src/stages/crop-pad.js';
import { fieldOfViewFrame, fieldWindow, fieldOfViewStage } from '../src/stages/field-of-view.js';
import { scaleFrame } from '../src/stages/scale-frame.js';
import type { Box, FrameEvent } from '../src/core/events.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, frames: { type: 'string', default: '200' } } });
const ROUNDS = Number(values.rounds);
const FRAMES = Number(values.frames);

const SCREEN = { width: 1136, height: 852 };
const REGION: Box = { x: 229, y: 104, width: 598, height: 644 };
const DISTINCT = 16;
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

function noiseFrame(seq: number, mm: number): FrameEvent {
  const { width, height } = SCREEN;
  const pixels = new Uint8Array(width * height);
  let s = (seq * 2654435761) >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    pixels[i] = s & 255;
  }
  return {
    kind: 'frame',
    seq,
    ptsMs: seq * 33.3,
    width,
    height,
    pixels,
    source: { uri: 'bench:', examId: 'e', frameIndex: seq },
    meta: { usRegion: REGION, pixelSpacingMm: { x: mm, y: mm } },
  };
}

const cropPadConfig = { centre: 'us-region' as const, cropToRegion: true, fill: 0 };
const fovConfig = fieldOfViewStage.schema.parse({});

type Kernel = (f: FrameEvent) => FrameEvent;
const kernels: Record<string, Kernel> = {
  'crop-pad 600 + resize 150': (f) => scaleFrame(cropPadFrame(f, 600, 600, cropPadConfig), 150, 150),
  'field-of-view (150, 0.34 mm)': (f) => fieldOfViewFrame(f, fieldWindow(f, fovConfig), fovConfig),
  'physical-scale + crop-pad + resize': (f) => {
    const mm = f.meta.pixelSpacingMm!;
    const w = Math.round((f.width * mm.x) / 0.085);
    const h = Math.round((f.height * mm.y) / 0.085);
    const scaled = w === f.width && h === f.height ? f : scaleFrame(f, w, h, { x: 0.085, y: 0.085 });
    return scaleFrame(cropPadFrame(scaled, 600, 600, cropPadConfig), 150, 150);
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const lines: string[] = [];
lines.push(`| screen mm per pixel | window (px) | ${Object.keys(kernels).join(' | ')} |`);
lines.push(
  `| --- | --- | ${Object.keys(kernels)
    .map(() => '---')
    .join(' | ')} |`,
);
for (const mm of [0.085, 0.1, 0.06, 0.15]) {
  const frames = Array.from({ length: DISTINCT }, (_, i) => noiseFrame(i, mm));
  const names = Object.keys(kernels);
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -1; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + Math.max(0, round)) % names.length]!);
    for (const name of order) {
      const kernel = kernels[name]!;
      collectGarbage();
      const c0 = process.cpuUsage();
      for (let i = 0; i < FRAMES; i++) kernel(frames[i % DISTINCT]!);
      const c = process.cpuUsage(c0);
      if (round >= 0) cpu[name]!.push((c.user + c.system) / FRAMES / 1000);
    }
  }
  const window = fieldWindow(frames[0]!, fovConfig);
  lines.push(`| ${mm} | ${window.width} | ${names.map((n) => `${median(cpu[n]!).toFixed(2)} ms`).join(' | ')} |`);
  process.stderr.write(`${lines.at(-1)}\n`);
}
process.stdout.write(
  `CPU ms per frame (median of ${ROUNDS} rounds of ${FRAMES} frames, 1136x852 screen, region ${REGION.width}x${REGION.height}):\n\n${lines.join('\n')}\n`,
);
