/**
 * Where each read of ffmpeg's raw output goes, so that bytes land in their frame's
 * buffer with no copy when that frame is known (its showinfo line has been read):
 * `next()` is the unfilled rest of that frame; before the line, a scratch buffer
 * whose bytes the reader copies into their frame when the line comes (`drain()`).
 * No I/O here: child-output-frames.ts wires it to a socket's `onread`.
 */
import type { RawVideoReader } from './raw-video-reader.js';

export class FrameReadTarget {
  private readonly scratch: Uint8Array;
  /** Bytes read before their frame's line, oldest first. */
  private pending: Uint8Array;
  private pendingLength = 0;
  private intoScratch = true;

  constructor(
    private readonly reader: RawVideoReader,
    scratchBytes = 64 * 1024,
  ) {
    this.scratch = new Uint8Array(scratchBytes);
    this.pending = new Uint8Array(scratchBytes);
  }

  /** Bytes read that still wait for their frame's showinfo line. */
  get waiting(): number {
    return this.pendingLength;
  }

  /** The buffer the next read writes into (never empty). */
  next(): Uint8Array {
    // Bytes that wait go first, so later ones wait behind them.
    let space = this.pendingLength === 0 ? this.reader.space() : undefined;
    // A frame of no pixels is complete as soon as it begins (a read needs room).
    while (space?.length === 0) {
      this.reader.wrote(0);
      space = this.reader.space();
    }
    this.intoScratch = space === undefined;
    return space ?? this.scratch;
  }

  /** The last read wrote `n` bytes at the start of `next()`'s buffer. */
  wrote(n: number): void {
    if (!this.intoScratch) {
      this.reader.wrote(n);
      return;
    }
    const bytes = this.scratch.subarray(0, n);
    const taken = this.pendingLength === 0 ? this.reader.write(bytes) : 0;
    if (taken < n) this.hold(bytes.subarray(taken));
  }

  /** Hands waiting bytes to the reader, as far as announced frames go (call when log lines arrive). */
  drain(): void {
    if (this.pendingLength === 0) return;
    const taken = this.reader.write(this.pending.subarray(0, this.pendingLength));
    this.pending.copyWithin(0, taken, this.pendingLength);
    this.pendingLength -= taken;
  }

  private hold(bytes: Uint8Array): void {
    const needed = this.pendingLength + bytes.length;
    if (needed > this.pending.length) {
      const grown = new Uint8Array(2 * needed);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = needed;
  }
}
