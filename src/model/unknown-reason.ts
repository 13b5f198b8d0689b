/**
 * What makes a window unknown, and why in words, from its `inDistribution`: the one place
 * that reads the two scores against their thresholds (onnx-inference sets `unknown` with it;
 * console, compressibility and the real-clip tests explain or count with it).
 */
import type { InDistribution, QualityFlag } from '../core/events.js';

/** Flags that make a window unknown by themselves. */
export const UNKNOWN_FLAGS: ReadonlySet<QualityFlag> = new Set<QualityFlag>(['frozen-frame']);

/** Which score is above its threshold (a score that is not a number counts as above). */
export function scoresAbove(d: Pick<InDistribution, 'score' | 'threshold' | 'image'>): { model: boolean; image: boolean } {
  return { model: !(d.score <= d.threshold), image: d.image !== undefined && !(d.image.score <= d.image.threshold) };
}

/** True when a score is above its threshold or a flag makes the window unknown. */
export function isUnknown(d: Pick<InDistribution, 'score' | 'threshold' | 'image' | 'flags'>): boolean {
  const above = scoresAbove(d);
  return above.model || above.image || (d.flags ?? []).some((f) => UNKNOWN_FLAGS.has(f));
}

export function unknownReason(d: InDistribution, digits = 1): string {
  const above = scoresAbove(d);
  const value = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
  const parts: string[] = [];
  if (above.model) parts.push(`model score ${value(d.score)} > ${d.threshold.toFixed(digits)}`);
  if (above.image) parts.push(`image statistics ${value(d.image!.score)} > ${d.image!.threshold.toFixed(digits)}`);
  parts.push(...(d.flags ?? []).filter((f) => UNKNOWN_FLAGS.has(f)));
  return parts.join(', ');
}
