/** Why a window is unknown, in words, from its `inDistribution` (console, compressibility, HUD). */
import type { InDistribution } from '../core/events.js';

export function unknownReason(d: InDistribution, digits = 1): string {
  const parts: string[] = [];
  if (Number.isFinite(d.score) && d.score > d.threshold) parts.push(`model score ${d.score.toFixed(digits)} > ${d.threshold.toFixed(digits)}`);
  if (d.image && !(d.image.score <= d.image.threshold)) parts.push(`image statistics ${Number.isFinite(d.image.score) ? d.image.score.toFixed(digits) : d.image.score} > ${d.image.threshold.toFixed(digits)}`);
  if (!Number.isFinite(d.score)) parts.push('model score not a number');
  parts.push(...(d.flags ?? []).filter((f) => f === 'frozen-frame'));
  return parts.join(', ');
}
