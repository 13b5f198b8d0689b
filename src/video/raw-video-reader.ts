/**
 * Turns ffmpeg's two outputs — gray rawvideo bytes and the showinfo log — into
 * DecodedFrames. Used by both decoders: the native one feeds it stdout chunks and
 * stderr lines from two pipes (so a frame's bytes can arrive before its log line has
 * been read: consume() waits for it); the wasm one feeds both in one ordered stream.
 *
 * Each output byte is copied exactly once, into the frame buffer that owns it, so
 * frames never share memory with the pipe's chunks and chunk boundaries can fall
 * anywhere.
 */
import { AutodvtError } from '../errors.js';
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

  /** Splits one chunk of output bytes into the frames it completes. */
  async *consume(chunk: Uint8Array): AsyncGenerator<DecodedFrame, void, undefined> {
    let offset = 0;
    while (offset < chunk.length) {
      const frame = this.current ?? (this.current = await this.begin());
      const n = Math.min(frame.pixels.length - frame.filled, chunk.length - offset);
      frame.pixels.set(chunk.subarray(offset, offset + n), frame.filled);
      frame.filled += n;
      offset += n;
      if (frame.filled === frame.pixels.length) {
        this.current = null;
        yield {
          index: this.emitted++,
          ptsMs: frame.ptsMs,
          width: frame.width,
          height: frame.height,
          pixels: frame.pixels,
        };
      }
    }
  }

  private async begin(): Promise<PartialFrame> {
    while (this.headers.length === 0 && !this.logEnded) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const header = this.headers.shift();
    if (!header) {
      throw new AutodvtError(
        `ffmpeg wrote frame data for ${this.file} without announcing the frame (no showinfo line)`,
        { scope: 'video', hint: 'this is a bug in autodvt or an unexpected ffmpeg build; please report it' },
      );
    }
    return { ...header, pixels: new Uint8Array(header.width * header.height), filled: 0 };
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
