/**
 * One connection to a live input through native ffmpeg: a capture device, a network
 * stream, a pipe. Frames come out as 8-bit gray with their timestamps, cut by the
 * same RawVideoReader and showinfo log parsing the file decoder uses.
 *
 * Unlike file decoding, a live input must never be made to wait: stdout is read as
 * fast as ffmpeg writes it, and dropping is left to the pipeline's live queue.
 *
 * The connection ends in one of three ways:
 *   - it returns: the input reached a clean end of stream (a producer closed its pipe
 *     after a whole frame);
 *   - it throws LiveInputLost: ffmpeg failed (device gone, connection refused) or no
 *     frame came for `stallTimeoutMs` (`openTimeoutMs` before the first one);
 *   - it returns early: the signal was aborted (the run is ending).
 * In every case ffmpeg is killed and reaped before the generator finishes.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { AutodvtError } from '../core/errors.js';
import { decodeArgs } from '../video/decode-args.js';
import { RawVideoReader } from '../video/raw-video-reader.js';
import type { Clock } from '../core/context.js';
import type { NativeFfmpeg } from '../video/find-ffmpeg.js';
import type { DecodedFrame } from '../video/video-types.js';

export interface LiveInputSpec {
  /** What ffmpeg reads: a device, URL, lavfi graph, file or `pipe:0`. */
  input: string;
  /** ffmpeg options placed before `-i` (format, size, rate, pixel format, ...). */
  inputOptions: string[];
  /** With input `pipe:0`: the stream piped into ffmpeg (undefined: ffmpeg reads this process's fd 0 directly). */
  stdin?: NodeJS.ReadableStream;
  /** How messages name the input. */
  label: string;
}

export interface LiveInputOptions {
  signal: AbortSignal;
  /** Times the stall and open timeouts. */
  clock: Pick<Clock, 'after'>;
  stallTimeoutMs: number;
  openTimeoutMs: number;
  maxFrames?: number;
  /**
   * Called instead of giving up when no frame comes in time (an input that cannot be
   * reopened, like standard input, can only wait). Called once per silence.
   */
  onStall?: (silentMs: number, framesSoFar: number) => void;
}

/** The input went away or stalled; the reconnect policy decides what happens next. */
export class LiveInputLost extends Error {
  constructor(
    readonly reason: string,
    readonly framesDelivered: number,
  ) {
    super(reason);
    this.name = 'LiveInputLost';
  }
}

/** The ffmpeg command line: decodeArgs' output side (showinfo, gray rawvideo, flushed per frame) after the live input options. */
export function liveInputArgs(bin: Pick<NativeFfmpeg, 'major'>, spec: Pick<LiveInputSpec, 'input' | 'inputOptions'>, maxFrames?: number): string[] {
  const args = decodeArgs({ input: spec.input, output: 'pipe:1', maxFrames, legacyFfmpeg: bin.major > 0 && bin.major < 5 });
  const at = args.indexOf('-i');
  return [...args.slice(0, at), ...spec.inputOptions, ...args.slice(at)];
}

export async function* readLiveInput(bin: NativeFfmpeg, spec: LiveInputSpec, opts: LiveInputOptions): AsyncGenerator<DecodedFrame, void, undefined> {
  const { signal } = opts;
  if (signal.aborted) return;
  const usePipe = spec.input === 'pipe:0' && spec.stdin !== undefined;
  const child = spawn(bin.ffmpeg, liveInputArgs(bin, spec, opts.maxFrames), {
    stdio: [usePipe ? 'pipe' : spec.input === 'pipe:0' ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in a terminal reaches autodvt, which stops ffmpeg
    // itself after the sinks flush, instead of ffmpeg dying first and looking like a lost device.
    detached: true,
  });
  const reader = new RawVideoReader(spec.label);
  let spawnError: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('error', (err) => {
      spawnError = err;
      done({ code: null, signal: null });
    });
    child.once('close', (code, sig) => done({ code, signal: sig }));
  });

  if (usePipe) {
    const input = spec.stdin!;
    child.stdin!.on('error', () => undefined); // EPIPE when ffmpeg exits first
    input.pipe(child.stdin!);
    void exited.then(() => input.unpipe(child.stdin!));
  }

  const text = new StringDecoder('utf8');
  let partialLine = '';
  const pushText = (s: string): void => {
    const lines = (partialLine + s).split(/\r?\n/);
    partialLine = lines.pop() ?? '';
    for (const line of lines) reader.pushLine(line);
  };
  child.stderr!.on('data', (chunk: Buffer) => pushText(text.write(chunk)));
  child.stderr!.once('close', () => {
    pushText(text.end() + '\n');
    reader.endLog();
  });

  let stalledAfterMs: number | undefined;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  let cancelTimer: (() => void) | undefined;
  const arm = (ms: number): void => {
    cancelTimer?.();
    cancelTimer = opts.clock.after(ms, () => {
      if (opts.onStall) return opts.onStall(ms, reader.framesEmitted);
      stalledAfterMs = ms;
      kill();
    });
  };
  arm(opts.openTimeoutMs);
  signal.addEventListener('abort', kill, { once: true });
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      for await (const frame of reader.consume(chunk)) {
        arm(opts.stallTimeoutMs);
        yield frame;
        if (opts.maxFrames !== undefined && reader.framesEmitted >= opts.maxFrames) return;
      }
    }
    const { code, signal: killedBy } = await exited;
    if (signal.aborted) return;
    if (spawnError) {
      throw new AutodvtError(`cannot run ffmpeg (${bin.ffmpeg}): ${spawnError.message}`, {
        scope: 'live',
        hint: 'install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set AUTODVT_FFMPEG to its path',
        cause: spawnError,
      });
    }
    if (stalledAfterMs !== undefined) {
      throw new LiveInputLost(
        reader.framesEmitted === 0
          ? `no frame from ${spec.label} within ${stalledAfterMs} ms of opening it${detail(reader)}`
          : `${spec.label} stalled: no frame for ${stalledAfterMs} ms`,
        reader.framesEmitted,
      );
    }
    if (code !== 0) {
      throw new LiveInputLost(
        `ffmpeg stopped reading ${spec.label} (${code === null ? `killed by ${killedBy}` : `exit code ${code}`})${detail(reader)}`,
        reader.framesEmitted,
      );
    }
    // A clean exit after errors: the stream was cut (a producer killed mid-frame), not finished.
    if (reader.errors.length > 0 || reader.partialBytes > 0) {
      throw new LiveInputLost(`${spec.label} ended abruptly${detail(reader)}`, reader.framesEmitted);
    }
  } finally {
    cancelTimer?.();
    signal.removeEventListener('abort', kill);
    kill();
    child.stdout!.destroy();
    await exited;
  }
}

function detail(reader: RawVideoReader): string {
  const lines = reader.errors.length > 0 ? reader.errors : reader.recent.filter((l) => !/^(Input|Output|Stream|Duration|Press|frame=|video:)/.test(l));
  const last = [...new Set(lines)].slice(-2).join('; ');
  return last ? `: ${last}` : '';
}
