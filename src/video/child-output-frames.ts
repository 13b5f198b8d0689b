/**
 * ffmpeg's stdout (gray rawvideo) read straight into the frames it belongs to.
 *
 * Why not `for await (const chunk of child.stdout)`: Node then allocates a new 64 KiB
 * buffer for every read (about 18 per 1136x852 frame), takes each through the stream
 * machinery, and the reader copies it once more into its frame. Those buffers are
 * external memory to V8, and the more of it a process allocates, the more often V8
 * runs full collections (in the archive bench, about 15 instead of 11 per 100 frames).
 * Reading without them saves about 1 ms of CPU per frame there, most of it garbage
 * collection (bench/archive-cpu.ts).
 *
 * net.Socket's `onread` option (a buffer function, called before each read) lets the
 * reads go where FrameReadTarget says: the unfilled rest of the frame being filled,
 * or a scratch buffer while that frame's showinfo line has not been read yet.
 *
 * Backpressure: reading stops while `MAX_READY` completed frames wait for the
 * consumer, and while bytes wait for their frame's line; ffmpeg then blocks on the
 * full pipe, as before.
 *
 * Node creates a child's stdout without `onread`, so its pipe handle is moved to a
 * Socket that has it, in the same tick as spawn(), before anything was read. Where
 * that is not possible (no handle, or bytes already read) the chunks are read as a
 * stream, as before; `direct` says which.
 */
import net from 'node:net';
import { FrameReadTarget } from './frame-read-target.js';
import type { Readable } from 'node:stream';
import type { RawVideoReader } from './raw-video-reader.js';
import type { DecodedFrame } from './video-types.js';

const MAX_READY = 2;

export interface ChildOutputFrames {
  /** true: reads go straight into the frames; false: read as a stream of chunks. */
  readonly direct: boolean;
  /** The frames in order; ends when stdout ends (a cut-off last frame stays in `reader.partialBytes`). */
  frames(): AsyncGenerator<DecodedFrame, void, undefined>;
  /** Stop reading and close the pipe (idempotent). */
  close(): void;
}

/** Call right after spawn(), in the same tick, before anything reads `stdout`. */
export function childOutputFrames(stdout: Readable, reader: RawVideoReader): ChildOutputFrames {
  return directFrames(stdout, reader) ?? streamFrames(stdout, reader);
}

function directFrames(stdout: Readable, reader: RawVideoReader): ChildOutputFrames | undefined {
  const original = stdout as net.Socket & { _handle?: object | null };
  if (!(original instanceof net.Socket) || !original._handle || original.bytesRead > 0 || original.readableLength > 0) return undefined;
  const handle = original._handle;
  original._handle = null;

  const target = new FrameReadTarget(reader);
  let paused = false;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const keepReading = (): boolean => target.waiting === 0 && reader.framesReady < MAX_READY;

  const socket = new net.Socket({
    handle,
    readable: true,
    writable: false,
    onread: {
      buffer: () => target.next(),
      callback: (n: number) => {
        target.wrote(n);
        notify();
        paused = !keepReading();
        return !paused;
      },
    },
  } as net.SocketConstructorOpts);
  socket.once('end', () => {
    ended = true;
    notify();
  });
  socket.once('error', (err) => {
    failure = err;
    notify();
  });
  socket.once('close', () => {
    ended = true;
    notify();
    // The child's 'close' waits for its stdout, as it did before the move.
    original.destroy();
  });

  async function* frames(): AsyncGenerator<DecodedFrame, void, undefined> {
    for (;;) {
      target.drain();
      const frame = reader.take();
      if (paused && !ended && keepReading()) {
        paused = false;
        socket.resume();
      }
      if (frame) {
        yield frame;
        continue;
      }
      if (failure) throw failure;
      // No line will come for bytes still waiting once the log has ended.
      if (target.waiting > 0 && reader.logDone) throw reader.unannounced();
      if (ended && target.waiting === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Bytes waiting for their frame's line go on when a line arrives.
        if (target.waiting > 0) void reader.logChanged().then(resolve);
      });
    }
  }

  return { direct: true, frames, close: () => socket.destroy() };
}

function streamFrames(stdout: Readable, reader: RawVideoReader): ChildOutputFrames {
  return {
    direct: false,
    async *frames() {
      for await (const chunk of stdout as AsyncIterable<Buffer>) yield* reader.consume(chunk);
    },
    close: () => stdout.destroy(),
  };
}
