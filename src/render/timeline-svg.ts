/**
 * A whole exam's probability timeline as a self-contained SVG (for the report):
 * landmark probabilities and pClosed over time like the paper's Fig. 2h, each
 * landmark visit shaded in its verdict's colour, the reported state and (when the
 * frames carried labels) the ground truth as bands underneath.
 */
import { LANDMARK_COLORS, P_CLOSED_COLOR, VERDICT_COLORS, VEIN_COLORS, hex } from './palette.js';
import type { TimelineSample } from './overlay-state.js';
import type { VerdictEvent } from '../core/events.js';

export interface TimelineSvgOptions {
  width?: number;
  height?: number;
  durationMs?: number;
}

export function timelineSvg(samples: readonly TimelineSample[], verdicts: readonly VerdictEvent[], options: TimelineSvgOptions = {}): string {
  const width = options.width ?? 960;
  const hasTruth = samples.some((s) => s.truth);
  const left = 44;
  const right = 12;
  const top = 12;
  const plotH = 160;
  const bandH = 12;
  const bands = hasTruth ? 3 : 2;
  const height = options.height ?? top + plotH + 28 + bands * (bandH + 4) + 24;
  const endMs = Math.max(options.durationMs ?? 0, samples.at(-1)?.ptsMs ?? 0, 1);
  const plotW = width - left - right;
  const x = (t: number) => left + (t / endMs) * plotW;
  const y = (p: number) => top + (1 - p) * plotH;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  for (const v of verdicts) {
    const c = hex(VERDICT_COLORS[v.verdict]);
    out.push(
      `<rect x="${f(x(v.startMs))}" y="${top}" width="${f(Math.max(1, x(v.endMs) - x(v.startMs)))}" height="${plotH}" fill="${c}" fill-opacity="0.15"/>`,
    );
    out.push(`<text x="${f(x(v.startMs) + 3)}" y="${top + 12}" fill="${c}" font-weight="bold">${v.landmark}: ${v.verdict}</text>`);
  }
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${f(y(p))}" y2="${f(y(p))}" stroke="#dddddd"/>`);
    out.push(`<text x="${left - 6}" y="${f(y(p) + 4)}" text-anchor="end" fill="#555">${p.toFixed(2)}</text>`);
  }
  const stepS = niceStep(endMs / 1000);
  for (let s = 0; s * 1000 <= endMs + 1; s += stepS) {
    out.push(`<line x1="${f(x(s * 1000))}" x2="${f(x(s * 1000))}" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="#555"/>`);
    out.push(`<text x="${f(x(s * 1000))}" y="${top + plotH + 16}" text-anchor="middle" fill="#555">${+s.toFixed(2)} s</text>`);
  }
  const line = (value: (s: TimelineSample) => number, color: string, w: number, dash = '') =>
    samples.length > 1
      ? `<polyline fill="none" stroke="${color}" stroke-width="${w}"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${samples.map((s) => `${f(x(s.ptsMs))},${f(y(value(s)))}`).join(' ')}"/>`
      : '';
  out.push(line((s) => s.landmark.BG, hex(LANDMARK_COLORS.BG), 1, '3 2'));
  out.push(line((s) => s.landmark.LM1, hex(LANDMARK_COLORS.LM1), 1.5));
  out.push(line((s) => s.landmark.LM2, hex(LANDMARK_COLORS.LM2), 1.5));
  out.push(line((s) => s.pClosed, hex(P_CLOSED_COLOR), 2));

  let bandY = top + plotH + 26;
  const band = (label: string, color: (s: TimelineSample) => string | undefined) => {
    out.push(`<text x="${left - 6}" y="${bandY + 10}" text-anchor="end" fill="#555">${label}</text>`);
    for (let i = 0; i < samples.length; i++) {
      const c = color(samples[i]!);
      if (!c) continue;
      const x0 = x(samples[i]!.ptsMs);
      const x1 = i + 1 < samples.length ? x(samples[i + 1]!.ptsMs) : x0 + 2;
      out.push(`<rect x="${f(x0)}" y="${bandY}" width="${f(Math.max(0.5, x1 - x0 + 0.3))}" height="${bandH}" fill="${c}"/>`);
    }
    bandY += bandH + 4;
  };
  band('state', (s) => (s.state ? hex(LANDMARK_COLORS[s.state.landmark]) : undefined));
  band('vein', (s) => (s.state ? hex(VEIN_COLORS[s.state.vein]) : undefined));
  if (hasTruth) band('truth', (s) => (s.truth?.landmark ? hex(LANDMARK_COLORS[s.truth.landmark]) : undefined));

  const legend: [string, string][] = [
    ['P(BG)', hex(LANDMARK_COLORS.BG)],
    ['P(LM1)', hex(LANDMARK_COLORS.LM1)],
    ['P(LM2)', hex(LANDMARK_COLORS.LM2)],
    ['P(closed)', hex(P_CLOSED_COLOR)],
    ['vein open', hex(VEIN_COLORS.open)],
    ['vein closed', hex(VEIN_COLORS.closed)],
  ];
  let lx = left;
  for (const [name, color] of legend) {
    out.push(`<rect x="${lx}" y="${height - 14}" width="12" height="8" fill="${color}"/><text x="${lx + 16}" y="${height - 6}" fill="#333">${name}</text>`);
    lx += 24 + name.length * 6.5;
  }
  out.push('</svg>');
  return out.join('');
}

function niceStep(spanS: number): number {
  for (const s of [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300]) if (spanS / s <= 12) return s;
  return 600;
}
