/**
 * probeVideo: container, codec, size, frame rate, frame count and duration of a
 * video file, without decoding it. Native: ffprobe JSON. Wasm: the ffprobe built into
 * @ffmpeg/core, same JSON. When the header has no frame count (e.g. MPEG program
 * streams) the video packets are counted (a demux pass, no decoding).
 */
import { chooseDecoder } from './choose-decoder.js';
import { probeNative } from './native-ffmpeg.js';
import { checkVideoFile } from './video-errors.js';
import type { ProbeOptions, VideoInfo } from './video-types.js';
import { probeWasm } from './wasm-ffmpeg.js';

export async function probeVideo(path: string, opts: ProbeOptions = {}): Promise<VideoInfo> {
  const chosen = chooseDecoder(opts.decoder);
  await checkVideoFile(path);
  return chosen.kind === 'native' ? probeNative(chosen.bin, path) : probeWasm(path);
}
