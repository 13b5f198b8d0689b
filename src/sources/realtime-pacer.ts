/**
 * Pace frames at their presentation times, to replay an archived exam as if it were
 * live (`realtime: true`): waits until the wall clock reaches the frame's time.
 */
import { sleep, type Clock } from '../core/context.js';

export class RealtimePacer {
  private startWall?: number;
  private startPts?: number;

  constructor(private readonly clock: Clock) {}

  /** Resets the reference so the next frame plays at once (e.g. a new exam). */
  restart(): void {
    this.startWall = undefined;
    this.startPts = undefined;
  }

  async wait(ptsMs: number, signal?: AbortSignal): Promise<void> {
    if (this.startWall === undefined || this.startPts === undefined) {
      this.startWall = this.clock.monotonic();
      this.startPts = ptsMs;
      return;
    }
    const due = this.startWall + (ptsMs - this.startPts);
    const delay = due - this.clock.monotonic();
    if (delay <= 0 || signal?.aborted) return;
    await sleep(this.clock, delay, signal);
  }
}
