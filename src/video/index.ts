/** The video decoding library: probe and decode video files with native ffmpeg or ffmpeg.wasm. */
export type { DecodedFrame, DecodeOptions, DecoderChoice, ProbeOptions, VideoInfo } from './video-types.js';
export { decodeVideo } from './decode-video.js';
export { probeVideo } from './probe-video.js';
export { nativeFfmpegAvailable } from './find-ffmpeg.js';
export { closeWasmWorkers } from './wasm-worker-pool.js';
