/**
 * Holds frames until the model has spoken about them, so a burned-in overlay shows
 * each frame with its own prediction and state rather than an older one (inference
 * batches make predictions trail their frames). Bounded: past `maxLag` frames the
 * oldest is released with whatever is known, so a pipeline without a model only
 * gains a small delay.
 */
import type { FrameEvent } from '../../core/events.js';

export class FrameAligner {
  private readonly held: FrameEvent[] = [];

  constructor(private readonly maxLag: number) {}

  get size(): number {
    return this.held.length;
  }

  /** Hold a frame; returns frames released because too many are held. */
  push(frame: FrameEvent): FrameEvent[] {
    this.held.push(frame);
    return this.held.length > this.maxLag ? this.held.splice(0, this.held.length - this.maxLag) : [];
  }

  /** Release frames older than `seq` (call before applying the prediction for `seq`). */
  releaseBefore(seq: number): FrameEvent[] {
    let n = 0;
    while (n < this.held.length && this.held[n]!.seq < seq) n++;
    return this.held.splice(0, n);
  }

  /** Release frames up to and including `seq` (call after applying the state for `seq`). */
  releaseThrough(seq: number): FrameEvent[] {
    return this.releaseBefore(seq + 1);
  }

  releaseAll(): FrameEvent[] {
    return this.held.splice(0);
  }
}
