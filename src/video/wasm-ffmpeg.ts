/**
 * The wasm decoder: ffmpeg 5.1 compiled to WebAssembly (@ffmpeg/core), run in a
 * worker thread (wasm-worker.mjs, lent by wasm-worker-pool.ts). Same command line
 * (decode-args.ts, bit-exact decoding included) and same frame/timestamp logic as the
 * native decoder, so both give byte-identical frames on the fixture clips.
 *
 * Memory: the whole input file is copied into the worker's MEMFS (the wasm heap, which
 * never shrinks; a fresh worker replaces a crashed one). Decoded output is not stored:
 * it streams to this thread a chunk at a time and the worker waits while more than 8
 * chunks (256 kB each) are unconsumed. Slower than native (single-threaded wasm, no SIMD).
 */
import { extname } from 'node:path';
import { AutodvtError } from '../core/errors.js';
import { AsyncInbox } from './async-inbox.js';
import { decodeArgs } from './decode-args.js';
import { stripLogTags } from './ffmpeg-log.js';
import { countPacketsArgs, needsFrameCount, packetCountFromProbe, probeArgs, videoInfoFromProbe, type FfprobeOutput } from './probe-json.js';
import { RawVideoReader } from './raw-video-reader.js';
import { decodeRunError, openFailure } from './video-errors.js';
import type { DecodedFrame, VideoInfo } from './video-types.js';
import { acquireWasmWorker, releaseWasmWorker, type WorkerJobMessage } from './wasm-worker-pool.js';

const ACKED = 0;
const ABORT = 1;
const OUTPUT = '/dev/autodvt-gray';

export interface WasmDecodeOptions {
  signal?: AbortSignal;
  maxFrames?: number;
}

/** MEMFS name for the input: fixed, keeping the extension (some demuxers use it as a hint). */
function memfsInput(path: string): string {
  return `/input${extname(path).replace(/[^A-Za-z0-9.]/g, '')}`;
}

/** ffmpeg names the MEMFS copy in its messages: name the user's file instead. */
function renameIn(line: string, memfsPath: string, path: string): string {
  return line.split(memfsPath).join(path);
}

function workerError(path: string, message: string): AutodvtError {
  return new AutodvtError(`the wasm decoder failed on ${path}: ${message}`, { scope: 'video' });
}

export async function* decodeWasm(path: string, opts: WasmDecodeOptions = {}): AsyncGenerator<DecodedFrame, void, undefined> {
  const { signal, maxFrames } = opts;
  signal?.throwIfAborted();
  const worker = await acquireWasmWorker();
  const memfsPath = memfsInput(path);
  const ctrlBuffer = new SharedArrayBuffer(8);
  const ctrl = new Int32Array(ctrlBuffer);
  const inbox = new AsyncInbox<WorkerJobMessage>();
  const reader = new RawVideoReader(path);
  let finished = false;

  const stop = (): void => {
    Atomics.store(ctrl, ABORT, 1);
    Atomics.notify(ctrl, ACKED);
  };
  signal?.addEventListener('abort', stop, { once: true });
  worker.run(
    {
      type: 'decode',
      hostPath: path,
      memfsPath,
      args: decodeArgs({ input: memfsPath, output: OUTPUT, maxFrames }),
      ctrl: ctrlBuffer,
    },
    (msg) => inbox.push(msg),
    (err) => inbox.fail(workerError(path, err.message)),
  );
  try {
    for (;;) {
      const msg = await inbox.next();
      if (msg.type === 'log') {
        reader.pushLine(renameIn(msg.line, memfsPath, path));
      } else if (msg.type === 'data') {
        if (!signal?.aborted) {
          for await (const frame of reader.consume(msg.chunk)) {
            yield frame;
            if (maxFrames !== undefined && reader.framesEmitted >= maxFrames) return;
          }
        }
        // Consumed: let the worker write more.
        Atomics.add(ctrl, ACKED, 1);
        Atomics.notify(ctrl, ACKED);
      } else {
        finished = true;
        reader.endLog();
        signal?.throwIfAborted();
        if (msg.error) throw workerError(path, msg.error);
        const failure = decodeRunError(path, reader, msg.ret === 0, msg.ret);
        if (failure) throw failure;
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    if (!finished) {
      stop();
      // Drain until the worker says ffmpeg has stopped, so the worker can take the next job.
      try {
        while ((await inbox.next()).type !== 'done');
      } catch {
        // worker died: the pool drops it
      }
    }
    releaseWasmWorker(worker);
  }
}

async function runWasmProbe(path: string, args: (input: string) => string[]): Promise<FfprobeOutput> {
  const worker = await acquireWasmWorker();
  const memfsPath = memfsInput(path);
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const done = await new Promise<WorkerJobMessage & { type: 'done' }>((resolve, reject) => {
      worker.run(
        { type: 'probe', hostPath: path, memfsPath, args: args(memfsPath) },
        (msg) => {
          if (msg.type === 'done') resolve(msg);
          else if (msg.type === 'log') (msg.stream === 'stdout' ? stdout : stderr).push(renameIn(msg.line, memfsPath, path));
        },
        (err) => reject(workerError(path, err.message)),
      );
    });
    if (done.error) throw workerError(path, done.error);
    const errors = stderr.map(stripLogTags).filter((l) => l !== '');
    // The wasm ffprobe always returns -1; it prints `{}`-ish JSON even on failure, so judge by stderr.
    if (errors.length > 0) throw openFailure(path, errors);
    try {
      return JSON.parse(stdout.join('\n')) as FfprobeOutput;
    } catch (err) {
      throw openFailure(path, [`ffprobe printed no JSON (${String(err)})`]);
    }
  } finally {
    releaseWasmWorker(worker);
  }
}

export async function probeWasm(path: string): Promise<VideoInfo> {
  const probe = await runWasmProbe(path, probeArgs);
  const counted =
    needsFrameCount(probe) && probe.streams?.some((s) => s.codec_type === 'video')
      ? packetCountFromProbe(await runWasmProbe(path, countPacketsArgs))
      : undefined;
  return videoInfoFromProbe(path, probe, 'wasm', counted);
}
