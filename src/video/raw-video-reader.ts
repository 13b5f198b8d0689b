/**
 * Turns ffmpeg's two outputs — gray rawvideo bytes and the showinfo log — into
 * DecodedFrames. Used by every decoder: the native one reads stdout straight into
 * the frame being filled (`space()` / `wrote()`, see child-output-frames.ts); the
 * wasm decoder and live input hand it chunks (`consume()`). Both come in on their own
 * channel from the log (a frame's bytes can arrive before its showinfo line has been
 * read), so bytes wait for the line that announces their frame.
 *
 * Each output byte lands once, in the frame buffer that owns it, so frames never
 * share memory with the reader's buffers and chunk boundaries can fall anywhere. A
 * frame is handed out only when every byte of it has arrived.
 */
import { AutodvtError } from '../core/errors.js';
import { FrameClock } from './frame-clock.js';
import { parseLogLine } from './ffmpeg-log.js';
import type { DecodedFrame } from './video-types.js';

interface FrameHeader {
  width: number;
  height: number;
  ptsMs: number;
}

interface PartialFrame extends FrameHeader {
  pixels: Uint8Array;
  filled: number;
}

const RECENT_LINES = 20;

export class RawVideoReader {
  /** Messages ffmpeg logged at error level or worse, in order. */
  readonly errors: string[] = [];
  /** The last non-frame log lines, for diagnostics. */
  readonly recent: string[] = [];
  private readonly headers: FrameHeader[] = [];
  private readonly clock = new FrameClock();
  private logEnded = false;
  private wake: (() => void) | null = null;
  private current: PartialFrame | null = null;
  /** Completed frames not yet taken. */
  private readonly ready: DecodedFrame[] = [];
  private completed = 0;
  private emitted = 0;

  constructor(private readonly file: string) {}

  /** Frames handed out so far. */
  get framesEmitted(): number {
    return this.emitted;
  }

  /** Bytes of a frame begun but not completed (non-zero after a short output). */
  get partialBytes(): number {
    return this.current?.filled ?? 0;
  }

  /** Completed frames waiting to be taken. */
  get framesReady(): number {
    return this.ready.length;
  }

  /** The log has ended (no frame will be announced any more). */
  get logDone(): boolean {
    return this.logEnded;
  }

  pushLine(line: string): void {
    const record = parseLogLine(line);
    switch (record.kind) {
      case 'frame':
        this.headers.push({ width: record.width, height: record.height, ptsMs: this.clock.next(record.pts) });
        break;
      case 'time-base':
        this.clock.setTimeBase(record.num, record.den, record.frameRate);
        break;
      case 'error':
        this.errors.push(record.message);
        this.remember(record.message);
        break;
      default:
        if (record.message) this.remember(record.message);
    }
    this.notify();
  }

  /** No more log lines will come (stderr closed / job done). */
  endLog(): void {
    this.logEnded = true;
    this.notify();
  }

  /** Resolves at the next log line or the end of the log. */
  logChanged(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  /**
   * Where the next output bytes belong: the unfilled rest of the frame being filled
   * (beginning the next announced frame when none is); undefined while the next
   * frame has not been announced. Write into it, then call `wrote()`.
   */
  space(): Uint8Array | undefined {
    const frame = this.current ?? this.begin();
    return frame?.pixels.subarray(frame.filled);
  }

  /** `n` bytes were written at the start of the last `space()`. */
  wrote(n: number): void {
    const frame = this.current!;
    frame.filled += n;
    if (frame.filled < frame.pixels.length) return;
    this.current = null;
    this.ready.push({ index: this.completed++, ptsMs: frame.ptsMs, width: frame.width, height: frame.height, pixels: frame.pixels });
  }

  /** Copies output bytes into frames as far as announced frames go; returns how many it took. */
  write(bytes: Uint8Array): number {
    let offset = 0;
    while (offset < bytes.length) {
      const space = this.space();
      if (!space) break;
      const n = Math.min(space.length, bytes.length - offset);
      space.set(offset === 0 && n === bytes.length ? bytes : bytes.subarray(offset, offset + n));
      this.wrote(n);
      offset += n;
    }
    return offset;
  }

  /** The oldest completed frame, handed out (undefined when none is complete). */
  take(): DecodedFrame | undefined {
    const frame = this.ready.shift();
    if (frame) this.emitted++;
    return frame;
  }

  /** The error for output bytes that no frame line announced, once the log has ended. */
  unannounced(): AutodvtError {
    return new AutodvtError(`ffmpeg wrote frame data for ${this.file} without announcing the frame (no showinfo line)`, {
      scope: 'video',
      hint: 'this is a bug in autodvt or an unexpected ffmpeg build; please report it',
    });
  }

  /** Splits one chunk of output bytes into the frames it completes (waiting for frame lines as needed). */
  async *consume(chunk: Uint8Array): AsyncGenerator<DecodedFrame, void, undefined> {
    let offset = 0;
    for (;;) {
      offset += this.write(offset === 0 ? chunk : chunk.subarray(offset));
      for (let f = this.take(); f; f = this.take()) yield f;
      if (offset >= chunk.length) return;
      if (this.logEnded) throw this.unannounced();
      await this.logChanged();
    }
  }

  private begin(): PartialFrame | null {
    const header = this.headers.shift();
    if (!header) return null;
    const size = header.width * header.height;
    // Not zero-filled: every byte is written before the frame is handed out.
    const pixels = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
    this.current = { ...header, pixels, filled: 0 };
    return this.current;
  }

  private remember(message: string): void {
    this.recent.push(message);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
