/**
 * Turns ffprobe's JSON (`-show_format -show_streams -of json`, from the native
 * ffprobe or the wasm one) into a VideoInfo. Pure.
 */
import { InputError } from '../core/errors.js';
import type { VideoInfo } from './video-types.js';

export interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
}

export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/** `30000/1001` -> 29.97; `0/0`, missing or non-positive -> undefined. */
export function parseRational(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [num, den = '1'] = text.split('/');
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The stream decodeVideo decodes (`-map 0:v:0`): the first video stream. */
export function firstVideoStream(probe: FfprobeOutput): FfprobeStream | undefined {
  return probe.streams?.find((s) => s.codec_type === 'video');
}

/** True when the header has no frame count, so the packets must be counted. */
export function needsFrameCount(probe: FfprobeOutput): boolean {
  return positiveNumber(firstVideoStream(probe)?.nb_frames) === undefined;
}

export function videoInfoFromProbe(path: string, probe: FfprobeOutput, decoder: VideoInfo['decoder'], countedFrames?: number): VideoInfo {
  const video = firstVideoStream(probe);
  if (!video) {
    throw new InputError(`${path} has no video stream`, {
      scope: 'video',
      hint: 'give a video file (audio-only and image-less files cannot be decoded to frames)',
    });
  }
  if (!video.width || !video.height) {
    throw new InputError(`${path}: the video stream has no frame size (${video.codec_name ?? 'unknown codec'})`, {
      scope: 'video',
    });
  }
  return {
    container: probe.format?.format_name ?? 'unknown',
    codec: video.codec_name ?? 'unknown',
    width: video.width,
    height: video.height,
    fps: parseRational(video.avg_frame_rate) ?? parseRational(video.r_frame_rate),
    frameCount: positiveNumber(video.nb_frames) ?? countedFrames,
    durationS: positiveNumber(video.duration) ?? positiveNumber(probe.format?.duration),
    hasAudio: probe.streams?.some((s) => s.codec_type === 'audio') ?? false,
    decoder,
  };
}

/** Arguments for ffprobe: the header (no decoding). */
export function probeArgs(input: string): string[] {
  return ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', input];
}

/** Arguments for ffprobe: count the first video stream's packets (demux only, no decoding). */
export function countPacketsArgs(input: string): string[] {
  return ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_packets', '-of', 'json', input];
}

export function packetCountFromProbe(probe: FfprobeOutput): number | undefined {
  return positiveNumber(probe.streams?.[0]?.nb_read_packets);
}
