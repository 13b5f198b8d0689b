/**
 * Backpressure for a pulling source: frames between the source and the end of the
 * stages are counted by seq (seqs are monotone, so frames a stage drops on purpose
 * do not leak credit), and `ready()` makes the source wait beyond the limit.
 */
import type { FlowControl } from './context.js';

export class InFlightGate implements FlowControl {
  private lastIn = -1;
  private lastOut = -1;
  private waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  /** Resolves at once (undefined) while there is room; else a promise for room. */
  ready(): Promise<void> | undefined {
    if (this.lastIn - this.lastOut < this.limit) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get inFlight(): number {
    return this.lastIn - this.lastOut;
  }

  /** A frame left the source. */
  entered(seq: number): void {
    this.lastIn = Math.max(this.lastIn, seq);
  }

  /** A frame reached the sinks (every frame before it has left or was dropped). */
  left(seq: number): void {
    this.lastOut = Math.max(this.lastOut, seq);
    while (this.waiters.length > 0 && this.lastIn - this.lastOut < this.limit) this.waiters.shift()!();
  }

  /** Let every waiting source go (the run is ending). */
  release(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
