/**
 * The errors the video library raises, all scoped `video` and naming the file:
 * checks before ffmpeg runs (missing, empty, not a file) and the translation of
 * ffmpeg's own error lines into something a user can act on.
 */
import { stat } from 'node:fs/promises';
import { InputError, UnsupportedError } from '../core/errors.js';

const SCOPE = 'video';

/** Rejects a path that is missing, not a regular file, or empty, before any decoder starts. */
export async function checkVideoFile(path: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`${path} is not a file`, { scope: SCOPE, hint: 'give the path of a video file' });
    size = s.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `video file not found: ${path}` : `cannot read video file ${path} (${code ?? String(err)})`, {
      scope: SCOPE,
      hint: 'check the path (relative paths resolve against the pipeline file folder)',
      cause: err,
    });
  }
  if (size === 0) {
    throw new InputError(`video file is empty (0 bytes): ${path}`, {
      scope: SCOPE,
      hint: 'the file was probably not written completely; copy it again',
    });
  }
}

/**
 * ffmpeg/ffprobe could not open or decode the file at all (no frame came out).
 * `lines` are the messages it logged at error level.
 */
export function openFailure(path: string, lines: string[], exitCode?: number | null): InputError {
  const text = lines.join('\n');
  const detail = lines.slice(-3).join('; ') || `exit code ${exitCode ?? 'unknown'}`;
  if (/matches no streams|does not contain any stream|no video stream/i.test(text)) {
    return new InputError(`${path} has no video stream`, {
      scope: SCOPE,
      hint: 'give a video file (audio-only and image-less files cannot be decoded to frames)',
    });
  }
  const codec = /Decoder \(codec (\S+)\) not found|Unknown decoder '([^']+)'|codec (\S+) is not supported/i.exec(text);
  if (codec) {
    return new UnsupportedError(`video codec ${codec[1] ?? codec[2] ?? codec[3]} in ${path}`, {
      scope: SCOPE,
      hint: 'this ffmpeg build cannot decode it; install a full native ffmpeg (set AUTODVT_FFMPEG) or transcode the file',
    });
  }
  if (/No such file or directory/i.test(text)) {
    return new InputError(`video file not found: ${path}`, { scope: SCOPE });
  }
  if (/Invalid data found|moov atom not found|could not find codec parameters|End of file|unknown format/i.test(text)) {
    return new InputError(`${path} is not a readable video (${detail})`, {
      scope: SCOPE,
      hint: 'the file is not a video, or is truncated before the stream header (e.g. an MP4 cut before its moov atom)',
    });
  }
  return new InputError(`ffmpeg could not decode ${path} (${detail})`, { scope: SCOPE });
}

/**
 * Decoding started but ffmpeg reported damage (truncated or corrupt data). Raised
 * after every frame that did decode has been delivered.
 */
export function damagedInput(path: string, framesDelivered: number, lines: string[]): InputError {
  const detail = [...new Set(lines)].slice(0, 3).join('; ');
  return new InputError(
    `${path} is truncated or corrupt: decoding stopped with errors after ${framesDelivered} frame${framesDelivered === 1 ? '' : 's'} (${detail})`,
    {
      scope: SCOPE,
      hint: `the ${framesDelivered} frames before the damage were delivered; re-export or re-copy the file to get the rest`,
    },
  );
}

/** What a finished decode run left behind, as seen by RawVideoReader. */
export interface DecodeRunResult {
  framesEmitted: number;
  partialBytes: number;
  errors: readonly string[];
  recent: readonly string[];
}

/**
 * The error to raise after ffmpeg finished (undefined = clean end). No frame at all:
 * the file could not be opened. Some frames, then errors, a failing exit or a cut
 * frame: damaged input, raised after those frames were delivered.
 */
export function decodeRunError(path: string, run: DecodeRunResult, exitOk: boolean, exitCode?: number | null): InputError | undefined {
  const lines = run.errors.length > 0 ? [...run.errors] : [...run.recent];
  if (run.framesEmitted === 0 && (!exitOk || run.errors.length > 0)) return openFailure(path, lines, exitCode);
  if (!exitOk || run.errors.length > 0 || run.partialBytes > 0) return damagedInput(path, run.framesEmitted, lines);
  return undefined;
}
