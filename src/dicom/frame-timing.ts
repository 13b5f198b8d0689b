/**
 * When each frame of a cine is presented: from Frame Time (0018,1063), Frame Time
 * Vector (0018,1065), Cine Rate (0018,0040), Recommended Display Frame Rate
 * (0008,2144) or Actual Frame Duration (0018,1242), in that order.
 * `frames` must have been checked against the pixel data first (check-declared-size.ts):
 * the table has one entry per frame; a count beyond MAX_FRAMES is refused here too.
 */
import type { DataSet } from 'dicom-parser';
import { InputError } from '../core/errors.js';
import { MAX_FRAMES } from './size-limits.js';

export interface FrameTiming {
  frameTimeMs?: number;
  frameTimesMs: number[];
}

/** Frame time assumed for a cine that declares none (30 frames/s), so times still increase. */
export const DEFAULT_FRAME_TIME_MS = 1000 / 30;

export function readFrameTiming(ds: DataSet, frames: number, warnings: string[], uri = 'DICOM file'): FrameTiming {
  if (!Number.isSafeInteger(frames) || frames > MAX_FRAMES) {
    throw new InputError(`${uri}: ${frames} frames is more than the ${MAX_FRAMES} a frame-time table is built for`, { scope: 'dicom' });
  }
  if (frames <= 1) return { frameTimeMs: positive(ds.floatString('x00181063')), frameTimesMs: [0] };

  const vector = readNumbers(ds, 'x00181065');
  if (vector.length >= frames - 1 && vector.slice(1).every((v) => v > 0)) {
    // The first entry is the time of frame 0 relative to itself (0); when the vector is
    // one short, it lists only the gaps.
    const gaps = vector.length >= frames ? vector.slice(1, frames) : vector.slice(0, frames - 1);
    const times = [0];
    for (const gap of gaps) times.push(times[times.length - 1] + gap);
    return { frameTimeMs: times[times.length - 1] / (frames - 1), frameTimesMs: times };
  }

  const frameTime =
    positive(ds.floatString('x00181063')) ??
    rateToMs(ds.intString('x00180040') ?? ds.floatString('x00180040')) ??
    rateToMs(ds.intString('x00082144') ?? ds.floatString('x00082144')) ??
    positive(ds.floatString('x00181242'));
  if (frameTime === undefined) {
    warnings.push(`multi-frame without frame timing: assumed ${(1000 / DEFAULT_FRAME_TIME_MS).toFixed(0)} frames/s`);
  }
  const step = frameTime ?? DEFAULT_FRAME_TIME_MS;
  return { frameTimeMs: frameTime, frameTimesMs: Array.from({ length: frames }, (_, i) => i * step) };
}

function positive(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

function rateToMs(rate: number | undefined): number | undefined {
  return rate !== undefined && Number.isFinite(rate) && rate > 0 ? 1000 / rate : undefined;
}

function readNumbers(ds: DataSet, tag: string): number[] {
  const n = ds.numStringValues(tag) ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return [];
    out.push(v);
  }
  return out;
}
