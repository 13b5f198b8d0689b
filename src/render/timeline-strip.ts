/**
 * The probability timeline (the paper's Fig. 2h) drawn into a rectangle of an RGB
 * image: landmark probabilities and pClosed over the last `windowMs`, with the
 * reported landmark as a band along the bottom. Used by the overlay video.
 */
import { LANDMARK_COLORS, P_CLOSED_COLOR, type Rgb } from './palette.js';
import { drawLine, fillRect, type RgbImage } from './rgb-image.js';
import type { TimelineSample } from './overlay-state.js';

export interface StripBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const BAND = 4;
const GRID: Rgb = [70, 70, 80];

export function drawTimelineStrip(img: RgbImage, box: StripBox, samples: readonly TimelineSample[], windowMs: number, endMs?: number): void {
  fillRect(img, box.x, box.y, box.width, box.height, [16, 18, 24], 0.85);
  const plotH = box.height - BAND - 2;
  const yOf = (p: number) => box.y + 1 + Math.round((1 - p) * (plotH - 1));
  for (const p of [0, 0.5, 1]) fillRect(img, box.x, yOf(p), box.width, 1, GRID);
  if (samples.length === 0) return;
  const t1 = endMs ?? samples.at(-1)!.ptsMs;
  const t0 = t1 - windowMs;
  const xOf = (t: number) => box.x + Math.round(((t - t0) / windowMs) * (box.width - 1));
  const visible = samples.filter((s) => s.ptsMs >= t0 && s.ptsMs <= t1);
  for (let i = 0; i < visible.length; i++) {
    const s = visible[i]!;
    const next = visible[i + 1];
    const xa = xOf(s.ptsMs);
    const xb = next ? xOf(next.ptsMs) : xa + 1;
    if (s.state) fillRect(img, xa, box.y + box.height - BAND, Math.max(1, xb - xa), BAND, LANDMARK_COLORS[s.state.landmark]);
  }
  const series: [Rgb, (s: TimelineSample) => number, number][] = [
    [LANDMARK_COLORS.BG, (s) => s.landmark.BG, 1],
    [LANDMARK_COLORS.LM1, (s) => s.landmark.LM1, 1],
    [LANDMARK_COLORS.LM2, (s) => s.landmark.LM2, 1],
    [P_CLOSED_COLOR, (s) => s.pClosed, 2],
  ];
  for (const [color, value, thickness] of series) {
    for (let i = 1; i < visible.length; i++) {
      const a = visible[i - 1]!;
      const b = visible[i]!;
      drawLine(img, xOf(a.ptsMs), yOf(value(a)), xOf(b.ptsMs), yOf(value(b)), color, thickness);
    }
  }
}
