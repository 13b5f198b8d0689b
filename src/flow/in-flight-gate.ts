/**
 * Backpressure for a pulling source: frames between the source and the end of the
 * stages are counted by seq (seqs are monotone, so frames a stage drops on purpose
 * do not leak credit once a later frame arrives), and `ready()` makes the source wait
 * beyond the limit. A stage that drops a frame reports it (`dropped`), so that its
 * credit comes back at once: with live input only one frame is in flight, and a frame
 * that never reaches the sinks would otherwise hold the next one back.
 */
import type { FlowControl } from '../core/context.js';

export class InFlightGate implements FlowControl {
  private lastIn = -1;
  private lastOut = -1;
  /** Seqs above lastOut that a stage dropped on purpose: no longer in flight. */
  private readonly droppedAhead = new Set<number>();
  private waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  /** Resolves at once (undefined) while there is room; else a promise for room. */
  ready(): Promise<void> | undefined {
    if (this.inFlight < this.limit) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get inFlight(): number {
    return this.lastIn - this.lastOut - this.droppedAhead.size;
  }

  /** A frame left the source. */
  entered(seq: number): void {
    this.lastIn = Math.max(this.lastIn, seq);
  }

  /** A frame reached the sinks (every frame before it has left or was dropped). */
  left(seq: number): void {
    this.lastOut = Math.max(this.lastOut, seq);
    for (const s of this.droppedAhead) if (s <= this.lastOut) this.droppedAhead.delete(s);
    this.wake();
  }

  /** A stage dropped this frame on purpose: it will never reach the sinks. */
  dropped(seq: number): void {
    if (seq <= this.lastOut || seq > this.lastIn) return;
    this.droppedAhead.add(seq);
    this.wake();
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.inFlight < this.limit) this.waiters.shift()!();
  }

  /** Let every waiting source go (the run is ending). */
  release(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
