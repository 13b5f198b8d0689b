/**
 * The in-distribution part of a prediction: the model's score against its fitted
 * threshold, the image-statistics score of the window's newest frame against its own,
 * plus cheap image-quality flags (models/README.md, "In-distribution score"; the rules:
 * docs/training-runs/2026-12-07-in-distribution-rule.md and
 * docs/training-runs/2026-12-08-image-statistics-rule.md).
 *
 * A window is `unknown` when either score is above its threshold or its newest frame is a
 * frozen copy of the one before; the other flags are reported but do not decide alone.
 */
import type { Box, FrameMeta, InDistribution, QualityFlag } from '../../core/events.js';
import { frameStatistics, imageScore } from '../../model/image-statistics.js';
import type { ModelInfo } from '../../model/model-info.js';
import { isUnknown } from '../../model/unknown-reason.js';

/** Colour flow covering at least this fraction of the B-mode region counts as filling it. */
const COLOUR_FILL_FRACTION = 0.5;

/**
 * The prediction's `inDistribution`, or undefined when the model has no score (an older
 * model file). `newest` is the window's newest frame (the model's input size), for the
 * image statistics when the model carries them.
 */
export function inDistributionOf(
  info: Pick<ModelInfo, 'inDistribution' | 'imageStatistics'>,
  score: number | undefined,
  flags: QualityFlag[],
  newest?: { pixels: Uint8Array; width: number; height: number },
): InDistribution | undefined {
  const spec = info.inDistribution;
  if (!spec || score === undefined) return undefined;
  const stats = info.imageStatistics;
  const image =
    stats && newest ? { score: imageScore(stats, frameStatistics(newest.pixels, newest.width, newest.height)), threshold: stats.threshold } : undefined;
  const scored = { score, threshold: spec.threshold, ...(image ? { image } : {}), ...(flags.length > 0 ? { flags } : {}) };
  // A score that is not a number (a broken input) is unknown too.
  return { ...scored, unknown: isUnknown(scored) };
}

/** True when two frames are byte-identical (a frozen or duplicated frame). */
export function sameFrame(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Flags read from a frame's meta: no B-mode region known, colour flow filling it. */
export function regionFlags(meta: FrameMeta | undefined): QualityFlag[] {
  const flags: QualityFlag[] = [];
  const region = meta?.usRegion;
  if (!region) return ['no-bmode-region'];
  const colour = (meta?.regions ?? []).filter((r) => r.dataType === 2);
  const area = region.width * region.height;
  if (area > 0 && colour.some((c) => overlap(c, region) >= COLOUR_FILL_FRACTION * area)) flags.push('colour-flow');
  return flags;
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
