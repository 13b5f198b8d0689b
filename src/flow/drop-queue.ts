/**
 * The bounded queue in front of the stages for live input. Only frames count
 * toward its capacity and only frames are ever dropped; every other event
 * (exam-start, exam, warnings) waits in order with them.
 *
 * - `latest`: a frame arriving at a full queue pushes out the oldest waiting frame
 *   (the pipeline always works on the newest picture).
 * - `drop-newest`: a frame arriving at a full queue is dropped itself (the frames
 *   already waiting keep their place).
 *
 * Pure and synchronous; the operator in live-queue.ts drives it.
 */
import type { FrameEvent, PipelineEvent } from '../core/events.js';

export type DropPolicy = 'latest' | 'drop-newest';

export class DropQueue {
  private items: PipelineEvent[] = [];
  private frames = 0;

  constructor(
    readonly policy: DropPolicy,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
  }

  /** Frames waiting. */
  get frameCount(): number {
    return this.frames;
  }

  /** Events waiting (frames and others). */
  get length(): number {
    return this.items.length;
  }

  /** Adds an event; returns the frame the policy dropped to stay within capacity, if any. */
  push(event: PipelineEvent): FrameEvent | undefined {
    if (event.kind !== 'frame') {
      this.items.push(event);
      return undefined;
    }
    if (this.frames < this.capacity) {
      this.items.push(event);
      this.frames++;
      return undefined;
    }
    if (this.policy === 'drop-newest') return event;
    const oldest = this.items.findIndex((e) => e.kind === 'frame');
    const [dropped] = this.items.splice(oldest, 1);
    this.items.push(event);
    return dropped as FrameEvent;
  }

  peek(): PipelineEvent | undefined {
    return this.items[0];
  }

  shift(): PipelineEvent | undefined {
    const event = this.items.shift();
    if (event?.kind === 'frame') this.frames--;
    return event;
  }

  clear(): void {
    this.items = [];
    this.frames = 0;
  }
}
