/**
 * The overlay's colours and words, shared by every renderer (HUD page, burned-in
 * video overlay, HTML report) so a landmark or a verdict looks the same everywhere.
 */
import type { Landmark, VisitVerdict } from '../core/events.js';

export type Rgb = readonly [number, number, number];

/** What a landmark badge can say: a visit verdict, or that the landmark was never visited. */
export type BadgeVerdict = VisitVerdict | 'not-examined';

export const LANDMARK_COLORS: Record<Landmark, Rgb> = {
  BG: [154, 160, 166],
  LM1: [79, 195, 247],
  LM2: [255, 183, 77],
};

/** The probability that the vein is closed. */
export const P_CLOSED_COLOR: Rgb = [206, 147, 216];

export const VERDICT_COLORS: Record<BadgeVerdict, Rgb> = {
  compressible: [67, 160, 71],
  'not-compressible': [229, 57, 53],
  inconclusive: [251, 192, 45],
  'not-examined': [97, 97, 97],
};

export const VEIN_COLORS: Record<'open' | 'closed' | 'unknown', Rgb> = {
  open: [229, 115, 115],
  closed: [102, 187, 106],
  unknown: [158, 158, 158],
};

export function hex(c: Rgb): string {
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** The whole palette as CSS colours, for pages that draw it themselves. */
export function cssPalette() {
  const map = <K extends string>(r: Record<K, Rgb>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, hex(v as Rgb)])) as Record<K, string>;
  return { landmark: map(LANDMARK_COLORS), verdict: map(VERDICT_COLORS), vein: map(VEIN_COLORS), pClosed: hex(P_CLOSED_COLOR) };
}
