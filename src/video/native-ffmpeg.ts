/**
 * The native decoder: runs the system ffmpeg / ffprobe as child processes.
 *
 * Decoding streams: ffmpeg's stdout is read straight into the frames as it arrives
 * (child-output-frames.ts), and reading stops while frames wait for the consumer, so
 * a slow consumer fills the pipe and ffmpeg blocks (memory stays at a few frames).
 * stderr is always drained (it carries the showinfo lines with each frame's pts and
 * the error messages). Returning early from the iterator, or aborting the signal,
 * kills ffmpeg and waits for it to exit (no zombie).
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { AutodvtError } from '../core/errors.js';
import { decodeArgs } from './decode-args.js';
import type { NativeFfmpeg } from './find-ffmpeg.js';
import { countPacketsArgs, needsFrameCount, packetCountFromProbe, probeArgs, videoInfoFromProbe, type FfprobeOutput } from './probe-json.js';
import { childOutputFrames } from './child-output-frames.js';
import { RawVideoReader } from './raw-video-reader.js';
import { stripLogTags } from './ffmpeg-log.js';
import { decodeRunError, openFailure } from './video-errors.js';
import type { DecodedFrame, VideoInfo } from './video-types.js';

export interface NativeDecodeOptions {
  signal?: AbortSignal;
  maxFrames?: number;
}

export async function* decodeNative(bin: NativeFfmpeg, path: string, opts: NativeDecodeOptions = {}): AsyncGenerator<DecodedFrame, void, undefined> {
  const { signal, maxFrames } = opts;
  signal?.throwIfAborted();
  const args = decodeArgs({
    // Absolute, so that a name with a colon is never taken for an ffmpeg protocol.
    input: resolve(path),
    output: 'pipe:1',
    maxFrames,
    legacyFfmpeg: bin.major > 0 && bin.major < 5,
  });
  const child = spawn(bin.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const reader = new RawVideoReader(path);
  const output = childOutputFrames(child.stdout, reader);
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((done) => {
    child.once('error', (err) => {
      spawnError = err;
      done(null);
    });
    child.once('close', (code) => done(code));
  });

  const text = new StringDecoder('utf8');
  let partialLine = '';
  const pushText = (s: string): void => {
    const lines = (partialLine + s).split(/\r?\n/);
    partialLine = lines.pop() ?? '';
    for (const line of lines) reader.pushLine(line);
  };
  child.stderr.on('data', (chunk: Buffer) => pushText(text.write(chunk)));
  child.stderr.once('close', () => {
    pushText(text.end() + '\n');
    reader.endLog();
  });

  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  try {
    for await (const frame of output.frames()) {
      yield frame;
      if (maxFrames !== undefined && reader.framesEmitted >= maxFrames) return;
    }
    const code = await exited;
    signal?.throwIfAborted();
    if (spawnError) {
      throw new AutodvtError(`cannot run ffmpeg (${bin.ffmpeg}): ${spawnError.message}`, {
        scope: 'video',
        hint: 'install ffmpeg, set AUTODVT_FFMPEG to its path, or use decoder: wasm',
        cause: spawnError,
      });
    }
    const failure = decodeRunError(path, reader, code === 0, code);
    if (failure) throw failure;
  } finally {
    signal?.removeEventListener('abort', kill);
    kill();
    output.close();
    await exited;
  }
}

function runFfprobe(bin: NativeFfmpeg, path: string, args: string[]): Promise<FfprobeOutput> {
  return new Promise((done, fail) => {
    execFile(bin.ffprobe, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(
          new AutodvtError(`cannot run ffprobe (${bin.ffprobe})`, {
            scope: 'video',
            hint: 'install ffmpeg (it ships ffprobe), set AUTODVT_FFPROBE, or use decoder: wasm',
            cause: err,
          }),
        );
        return;
      }
      const lines = stderr
        .split(/\r?\n/)
        .map(stripLogTags)
        .filter((l) => l !== '');
      if (err) {
        fail(openFailure(path, lines, typeof err.code === 'number' ? err.code : null));
        return;
      }
      try {
        done(JSON.parse(stdout) as FfprobeOutput);
      } catch (parseErr) {
        fail(openFailure(path, [...lines, `ffprobe printed no JSON (${String(parseErr)})`]));
      }
    });
  });
}

/** Header facts from ffprobe; the frame count is counted from packets when the header lacks it. */
export async function probeNative(bin: NativeFfmpeg, path: string): Promise<VideoInfo> {
  const input = resolve(path);
  const probe = await runFfprobe(bin, path, probeArgs(input));
  const counted =
    needsFrameCount(probe) && probe.streams?.some((s) => s.codec_type === 'video')
      ? packetCountFromProbe(await runFfprobe(bin, path, countPacketsArgs(input)))
      : undefined;
  return videoInfoFromProbe(path, probe, 'native', counted);
}
