/**
 * Small copies of an exam's frames, kept at a fixed interval of presentation time
 * so the report can show the frame nearest any moment (where a verdict was
 * reached, evenly spaced overviews). Bounded: past `maxFrames` every other copy is
 * dropped and the interval doubles, so a long exam costs the same memory as a
 * short one.
 */
import { resizeGray } from '../../image/area-resize.js';
import type { FrameEvent } from '../../core/events.js';

export interface Keyframe {
  seq: number;
  ptsMs: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

export class KeyframeStore {
  private frames: Keyframe[] = [];
  private everyMs: number;
  private nextAt = -Infinity;

  constructor(private readonly options: { everyMs: number; maxWidth: number; maxFrames: number }) {
    this.everyMs = options.everyMs;
  }

  get size(): number {
    return this.frames.length;
  }

  offer(frame: FrameEvent): void {
    if (frame.ptsMs < this.nextAt) return;
    this.nextAt = frame.ptsMs + this.everyMs;
    let { pixels, width, height } = frame;
    if (width > this.options.maxWidth) {
      const w = this.options.maxWidth;
      const h = Math.max(1, Math.round((height * w) / width));
      ({ pixels, width, height } = resizeGray(frame, w, h));
    } else {
      pixels = pixels.slice();
    }
    this.frames.push({ seq: frame.seq, ptsMs: frame.ptsMs, width, height, pixels });
    if (this.frames.length > this.options.maxFrames) {
      this.frames = this.frames.filter((_, i) => i % 2 === 0);
      this.everyMs *= 2;
    }
  }

  /** The kept frame nearest to `ptsMs`. */
  nearest(ptsMs: number): Keyframe | undefined {
    let best: Keyframe | undefined;
    for (const f of this.frames) if (!best || Math.abs(f.ptsMs - ptsMs) < Math.abs(best.ptsMs - ptsMs)) best = f;
    return best;
  }

  /** `n` kept frames spread evenly over the exam (fewer when fewer are kept). */
  evenlySpaced(n: number): Keyframe[] {
    if (this.frames.length <= n) return [...this.frames];
    const out: Keyframe[] = [];
    for (let i = 0; i < n; i++) out.push(this.frames[Math.round((i * (this.frames.length - 1)) / Math.max(1, n - 1))]!);
    return out;
  }
}
