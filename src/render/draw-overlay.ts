/**
 * The overlay burned into review videos: the frame (scaled up), the reported
 * landmark and vein state on it, a badge per landmark with its verdict so far, a
 * timeline strip of the last seconds, and — once the exam ends — the exam verdict
 * with the research-software disclaimer.
 *
 *   ┌──────────────────────────────┐
 *   │ LM1  VEIN CLOSED     4.3 S   │  frame × scale
 *   │                              │
 *   │ [exam verdict + disclaimer]  │  (after the exam event)
 *   ├──────────────────────────────┤
 *   │ LM1: COMPRESSIBLE  LM2: ...  │  panel
 *   │ ~~~~ timeline strip ~~~~~~~~ │
 *   └──────────────────────────────┘
 */
import { resizeGray } from '../image/area-resize.js';
import { drawTextRgb, textSize } from './bitmap-text.js';
import { LANDMARK_COLORS, VEIN_COLORS, VERDICT_COLORS, type Rgb } from './palette.js';
import { blitGray, createRgb, fillRect, type RgbImage } from './rgb-image.js';
import { blendSaliency, type SaliencyMap } from './saliency-map.js';
import { drawTimelineStrip } from './timeline-strip.js';
import type { OverlaySnapshot, TimelineSample } from './overlay-state.js';

export interface OverlayLayout {
  scale: number;
  /** Size of the output image (even, as video encoders want). */
  width: number;
  height: number;
  image: { width: number; height: number };
  panelHeight: number;
}

const PANEL_HEIGHT = 84;
const WHITE: Rgb = [240, 240, 240];
const DIM: Rgb = [150, 150, 160];

/** Scale a frame so it is at least `minWidth` wide (integer factor, 1..8), plus the panel. */
export function overlayLayout(frameWidth: number, frameHeight: number, minWidth = 448): OverlayLayout {
  const scale = Math.max(1, Math.min(8, Math.ceil(minWidth / frameWidth)));
  const image = { width: frameWidth * scale, height: frameHeight * scale };
  const width = Math.max(image.width, 360) + (Math.max(image.width, 360) % 2);
  const height = image.height + PANEL_HEIGHT + ((image.height + PANEL_HEIGHT) % 2);
  return { scale, width, height, image, panelHeight: height - image.height };
}

export interface OverlayFrame {
  pixels: Uint8Array;
  width: number;
  height: number;
  ptsMs: number;
}

export function drawOverlay(
  layout: OverlayLayout,
  frame: OverlayFrame,
  snapshot: OverlaySnapshot,
  samples: readonly TimelineSample[],
  options: { timelineMs: number; saliency?: SaliencyMap; showExamVerdict?: boolean },
): RgbImage {
  const img = createRgb(layout.width, layout.height, [12, 14, 20]);
  const scaled = layout.scale === 1 ? frame.pixels : resizeGray(frame, layout.image.width, layout.image.height).pixels;
  const ox = Math.floor((layout.width - layout.image.width) / 2);
  blitGray(img, scaled, layout.image.width, layout.image.height, ox, 0);
  if (options.saliency) blendSaliency(img, options.saliency, ox, 0, layout.image.width, layout.image.height);

  // State line on the frame.
  const textScale = layout.image.width >= 400 ? 2 : 1;
  const lineH = 7 * textScale + 8;
  fillRect(img, 0, 0, layout.width, lineH, [0, 0, 0], 0.55);
  let x = 6;
  const y = 4;
  if (snapshot.landmark) {
    x += drawTextRgb(img, x, y, snapshot.landmark, LANDMARK_COLORS[snapshot.landmark], textScale) + 6 * textScale * 2;
    x += drawTextRgb(img, x, y, `VEIN ${snapshot.vein ?? 'unknown'}`, VEIN_COLORS[snapshot.vein ?? 'unknown'], textScale);
  } else {
    drawTextRgb(img, x, y, 'WAITING FOR MODEL', DIM, textScale);
  }
  const time = `${(frame.ptsMs / 1000).toFixed(1)} S`;
  drawTextRgb(img, layout.width - 6 - textSize(time, textScale).width, y, time, WHITE, textScale);

  if (options.showExamVerdict && snapshot.examVerdict) drawVerdictBanner(img, layout, snapshot);

  // Panel: badges, then the timeline strip.
  const py = layout.image.height;
  let bx = 6;
  for (const lm of ['LM1', 'LM2'] as const) {
    const v = snapshot.badges[lm];
    const label = `${lm}: ${v.replaceAll('-', ' ')}`;
    const w = textSize(label, 1).width + 10;
    fillRect(img, bx, py + 5, w, 15, VERDICT_COLORS[v]);
    drawTextRgb(img, bx + 5, py + 9, label, v === 'inconclusive' ? [20, 20, 20] : WHITE, 1);
    bx += w + 6;
  }
  drawTextRgb(img, layout.width - 6 - textSize('NOT FOR DIAGNOSIS', 1).width, py + 9, 'NOT FOR DIAGNOSIS', DIM, 1);
  drawTimelineStrip(img, { x: 6, y: py + 26, width: layout.width - 12, height: layout.panelHeight - 32 }, samples, options.timelineMs, frame.ptsMs);
  return img;
}

function drawVerdictBanner(img: RgbImage, layout: OverlayLayout, snapshot: OverlaySnapshot): void {
  const verdict = snapshot.examVerdict!;
  const color: Rgb = verdict.startsWith('refer')
    ? VERDICT_COLORS['not-compressible']
    : verdict === 'incomplete'
      ? VERDICT_COLORS.inconclusive
      : VERDICT_COLORS.compressible;
  const scale = textSize(verdict, 2).width + 12 <= layout.width ? 2 : 1;
  const h = 7 * scale + 7 + 16;
  const y = layout.image.height - h - 4;
  fillRect(img, 0, y, layout.width, h, [0, 0, 0], 0.7);
  fillRect(img, 0, y, 4, h, color);
  drawTextRgb(img, 10, y + 4, verdict, color, scale);
  drawTextRgb(img, 10, y + 7 * scale + 9, 'RESEARCH SOFTWARE, NOT A MEDICAL DEVICE', DIM, 1);
}
