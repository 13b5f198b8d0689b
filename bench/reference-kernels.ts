/**
 * The main-thread kernels of the archive pipeline as they were before issue 9's
 * speed-up (commit 070a046), copied verbatim (only renamed), so `main-thread-kernels.ts` can time
 * old and new side by side in one process and check that they agree bit for bit.
 */
import { AutodvtError, InputError } from '../src/core/errors.js';
import type { BuildContext } from '../src/core/context.js';
import type { Box, FrameEvent, PipelineEvent, WindowEvent } from '../src/core/events.js';
import type { SlidingWindowConfig } from '../src/stages/sliding-window.js';

// --- crop-pad: blank outside the B-mode region into a full-size copy, then crop ----

export function cropPadFrameBefore(
  frame: FrameEvent,
  outW: number,
  outH: number,
  config: { centre: 'frame' | 'us-region'; cropToRegion: boolean; fill: number },
): FrameEvent {
  const region = frame.meta.usRegion;
  let pixels = frame.pixels;
  if (region && config.cropToRegion) pixels = blankOutside(frame, region, config.fill);
  const useRegion = region && config.centre === 'us-region';
  const centreX = useRegion ? region.x + Math.floor(region.width / 2) : Math.floor(frame.width / 2);
  const centreY = useRegion ? region.y + Math.floor(region.height / 2) : Math.floor(frame.height / 2);
  const out = { pixels: cropPadBefore({ width: frame.width, height: frame.height, pixels }, outW, outH, centreX, centreY, config.fill) };
  const dx = Math.floor(outW / 2) - centreX;
  const dy = Math.floor(outH / 2) - centreY;
  const shift = <B extends Box>(b: B): B => ({ ...b, x: b.x + dx, y: b.y + dy });
  return {
    ...frame,
    width: outW,
    height: outH,
    pixels: out.pixels,
    labels: frame.labels?.textBoxes ? { ...frame.labels, textBoxes: frame.labels.textBoxes.map(shift) } : frame.labels,
    meta: {
      ...frame.meta,
      usRegion: region ? clipBox(shift(region), outW, outH) : undefined,
      redactions: frame.meta.redactions?.map(shift),
    },
  };
}

function blankOutside(frame: FrameEvent, r: Box, fill: number): Uint8Array {
  const out = new Uint8Array(frame.width * frame.height).fill(fill);
  const b = clipBox(r, frame.width, frame.height);
  for (let y = b.y; y < b.y + b.height; y++) {
    const row = y * frame.width;
    out.set(frame.pixels.subarray(row + b.x, row + b.x + b.width), row + b.x);
  }
  return out;
}

function clipBox(b: Box, w: number, h: number): Box {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(w, b.x + b.width);
  const y1 = Math.min(h, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

function cropPadBefore(
  src: { width: number; height: number; pixels: Uint8Array },
  outW: number,
  outH: number,
  cx: number,
  cy: number,
  fill: number,
): Uint8Array {
  const x0 = cx - Math.floor(outW / 2);
  const y0 = cy - Math.floor(outH / 2);
  const out = new Uint8Array(outW * outH);
  const colStart = Math.max(0, -x0);
  const colEnd = Math.min(outW, src.width - x0);
  for (let y = 0; y < outH; y++) {
    const sy = y0 + y;
    const row = y * outW;
    if (sy < 0 || sy >= src.height || colEnd <= colStart) {
      out.fill(fill, row, row + outW);
      continue;
    }
    if (colStart > 0) out.fill(fill, row, row + colStart);
    const srcRow = sy * src.width;
    out.set(src.pixels.subarray(srcRow + x0 + colStart, srcRow + x0 + colEnd), row + colStart);
    if (colEnd < outW) out.fill(fill, row + Math.max(colEnd, colStart), row + outW);
  }
  return out;
}

// --- resize: integer-factor block mean, one byte at a time --------------------------

export function blockMeanBefore(src: { width: number; pixels: Uint8Array }, outW: number, outH: number, fx: number, fy: number): Uint8Array {
  const dst = new Uint8Array(outW * outH);
  const sums = new Uint32Array(outW);
  const area = fx * fy;
  const half = area >> 1;
  const sp = src.pixels;
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    for (let dy = 0; dy < fy; dy++) {
      const row = (oy * fy + dy) * src.width;
      for (let ox = 0, sx = row; ox < outW; ox++) {
        let acc = 0;
        for (let dx = 0; dx < fx; dx++, sx++) acc += sp[sx]!;
        sums[ox]! += acc;
      }
    }
    const orow = oy * outW;
    for (let ox = 0; ox < outW; ox++) dst[orow + ox] = ((sums[ox]! + half) / area) | 0;
  }
  return dst;
}

// --- sliding-window: a fresh Float32 block per window, every plane converted again --

/** Keeps the newest `size` frames of the current exam; one per subscription. */
export class WindowAssemblerBefore {
  private frames: FrameEvent[] = [];
  private sinceReset = 0;
  private examId: string | undefined;

  constructor(
    private readonly config: SlidingWindowConfig,
    private readonly ctx?: Pick<BuildContext, 'warn'>,
  ) {}

  push(event: PipelineEvent): PipelineEvent[] {
    if (event.kind === 'exam-start') {
      this.reset(event.examId);
      return [event];
    }
    if (event.kind !== 'frame') return [event];
    if (event.source.examId !== this.examId) this.reset(event.source.examId);
    const last = this.frames[this.frames.length - 1];
    if (last) {
      if (event.width !== last.width || event.height !== last.height) {
        throw new InputError(
          `frame ${event.seq} is ${event.width}x${event.height} but the window holds ${last.width}x${last.height} frames; put crop-pad and resize before sliding-window`,
          { scope: 'stage:sliding-window' },
        );
      }
      const missing = event.seq - last.seq - 1;
      if (missing > this.config.maxGapFrames) {
        const message = `${missing} frames missing before seq ${event.seq} (more than maxGapFrames=${this.config.maxGapFrames})`;
        if (this.config.onGap === 'error') throw new AutodvtError(message, { scope: 'stage:sliding-window' });
        this.ctx?.warn(`${message}: starting a fresh window`, { examId: this.examId, seq: event.seq });
        this.reset(this.examId);
      }
    }
    this.frames.push(event);
    if (this.frames.length > this.config.size) this.frames.shift();
    this.sinceReset++;
    const { size, step } = this.config;
    if (this.sinceReset >= size && (this.sinceReset - size) % step === 0) return [event, this.window()];
    return [event];
  }

  private reset(examId: string | undefined): void {
    this.frames = [];
    this.sinceReset = 0;
    this.examId = examId;
  }

  private window(): WindowEvent {
    const newest = this.frames[this.frames.length - 1]!;
    const { width, height } = newest;
    const plane = width * height;
    const data = new Float32Array(this.config.size * plane);
    for (let t = 0; t < this.frames.length; t++) toUnitRange(data.subarray(t * plane, (t + 1) * plane), this.frames[t]!.pixels);
    return {
      kind: 'window',
      seq: newest.seq,
      ptsMs: newest.ptsMs,
      captureTimeMs: newest.captureTimeMs,
      examId: newest.source.examId,
      seqs: this.frames.map((f) => f.seq),
      shape: [1, 1, this.config.size, height, width],
      data,
      labels: newest.labels,
    };
  }
}

/** 8-bit pixels to floats in [0, 1]: a plain loop over locals (a closure per frame ran it about 2x slower). */
function toUnitRange(dst: Float32Array, px: Uint8Array): void {
  const inv = 1 / 255;
  const n = dst.length;
  for (let i = 0; i < n; i++) dst[i] = px[i]! * inv;
}

// --- WindowModel.run: the batch buffer filled from window.data with the model's affine

export function affineIntoBefore(dst: Float32Array, src: Float32Array, a: number, b: number): void {
  const n = dst.length;
  for (let k = 0; k < n; k++) dst[k] = a * src[k]! + b;
}
