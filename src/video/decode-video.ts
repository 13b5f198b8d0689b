/**
 * decodeVideo: a video file as an async iterable of 8-bit gray frames with
 * presentation times, from native ffmpeg or the embedded wasm build (byte-identical
 * frames on the fixture clips, since both decode bit-exactly: decode-args.ts; same
 * timestamps). Lazy: nothing runs until the first next(); frames stream as they
 * decode; breaking out of the loop (or aborting `signal`) stops the decoder.
 *
 * Errors (InputError, scope `video`, naming the file): missing, empty or not-a-file
 * paths; files ffmpeg cannot open (not a video, no video stream, MP4 cut before its
 * header); UnsupportedError for a codec the decoder lacks. A file that is truncated
 * or corrupt after some frames decoded yields every frame that decodes, then throws
 * an InputError ("truncated or corrupt ... after N frames"): it never ends quietly
 * short, and nothing decoded is lost.
 *
 * @example
 *   for await (const f of decodeVideo('exam.mp4', { maxFrames: 100 })) use(f.pixels, f.ptsMs);
 */
import { AutodvtError } from '../core/errors.js';
import { chooseDecoder } from './choose-decoder.js';
import { decodeNative } from './native-ffmpeg.js';
import { checkVideoFile } from './video-errors.js';
import type { DecodedFrame, DecodeOptions } from './video-types.js';
import { decodeWasm } from './wasm-ffmpeg.js';

export function decodeVideo(path: string, opts: DecodeOptions = {}): AsyncIterable<DecodedFrame> {
  return decodeFrames(path, opts);
}

async function* decodeFrames(path: string, opts: DecodeOptions): AsyncGenerator<DecodedFrame, void, undefined> {
  const { decoder, signal, maxFrames } = opts;
  if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames >= 0)) {
    throw new AutodvtError(`maxFrames must be a non-negative integer, got ${maxFrames}`, { scope: 'video', category: 'config' });
  }
  if (maxFrames === 0) return;
  const chosen = chooseDecoder(decoder);
  await checkVideoFile(path);
  if (chosen.kind === 'native') yield* decodeNative(chosen.bin, path, { signal, maxFrames });
  else yield* decodeWasm(path, { signal, maxFrames });
}
