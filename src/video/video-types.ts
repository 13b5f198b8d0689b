/**
 * The public shapes of the video decoding library: which decoder to use, what a
 * probe learns about a file, and one decoded frame.
 */

/** `auto` = native ffmpeg when it is on PATH (or AUTODVT_FFMPEG), else the embedded wasm build. */
export type DecoderChoice = 'auto' | 'native' | 'wasm';

export interface VideoInfo {
  /** Demuxer name as ffmpeg reports it, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `avi`, `mpeg`. */
  container: string;
  /** Codec of the first video stream, e.g. `h264`, `mpeg4`, `mpeg2video`. */
  codec: string;
  width: number;
  height: number;
  /** Average frame rate (frames / duration); the nominal rate when the average is unknown. */
  fps?: number;
  /** Frames in the first video stream: from the header, else by counting packets. */
  frameCount?: number;
  /** Duration of the video stream in seconds (the container's when the stream has none; an audio track may run longer). */
  durationS?: number;
  hasAudio: boolean;
  /** The decoder that produced this info (and that decodeVideo would use with the same choice). */
  decoder: 'native' | 'wasm';
}

export interface DecodedFrame {
  /** 0-based index of the frame in decode output order (= presentation order). */
  index: number;
  /** Presentation time in ms relative to the first decoded frame (the first is 0). */
  ptsMs: number;
  width: number;
  height: number;
  /** 8-bit gray, row-major, width*height bytes; owned by the consumer (never reused). */
  pixels: Uint8Array;
}

export interface DecodeOptions {
  decoder?: DecoderChoice;
  /** Stops decoding (and the ffmpeg process or wasm job) when aborted; the iterator throws signal.reason. */
  signal?: AbortSignal;
  /** Stop after this many frames. */
  maxFrames?: number;
}

export interface ProbeOptions {
  decoder?: DecoderChoice;
}
