/**
 * Finds the native ffmpeg / ffprobe binaries: `AUTODVT_FFMPEG` (a path to ffmpeg)
 * overrides PATH; ffprobe is `AUTODVT_FFPROBE`, else the ffprobe next to that ffmpeg,
 * else `ffprobe` on PATH. The `ffmpeg -version` check runs once per process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface NativeFfmpeg {
  ffmpeg: string;
  ffprobe: string;
  /** Major version (e.g. 5 for 5.1.x); 0 when the version string is not a release number (git builds). */
  major: number;
}

let cached: NativeFfmpeg | null | undefined;

export function ffmpegBinary(): string {
  return process.env.AUTODVT_FFMPEG || 'ffmpeg';
}

export function ffprobeBinary(): string {
  if (process.env.AUTODVT_FFPROBE) return process.env.AUTODVT_FFPROBE;
  const ffmpeg = process.env.AUTODVT_FFMPEG;
  if (ffmpeg?.includes('/')) {
    const sibling = join(dirname(ffmpeg), basename(ffmpeg).replace(/ffmpeg/, 'ffprobe'));
    if (sibling !== ffmpeg && existsSync(sibling)) return sibling;
  }
  return 'ffprobe';
}

/** The native binaries, or null when `ffmpeg -version` does not run. Cached. */
export function findNativeFfmpeg(): NativeFfmpeg | null {
  if (cached !== undefined) return cached;
  const ffmpeg = ffmpegBinary();
  const result = spawnSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0 || !/ffmpeg version/i.test(result.stdout ?? '')) {
    cached = null;
  } else {
    const m = /ffmpeg version n?(\d+)\./i.exec(result.stdout);
    cached = { ffmpeg, ffprobe: ffprobeBinary(), major: m ? Number(m[1]) : 0 };
  }
  return cached;
}

/** Cached `ffmpeg -version` check on PATH (env AUTODVT_FFMPEG overrides the binary path). */
export function nativeFfmpegAvailable(): boolean {
  return findNativeFfmpeg() !== null;
}

/** For tests that change AUTODVT_FFMPEG. */
export function resetNativeFfmpegCache(): void {
  cached = undefined;
}
