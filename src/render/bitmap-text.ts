/**
 * Text on RGB images with the phantom's built-in 5x7 bitmap font (no font
 * libraries): the glyphs are drawn into a gray mask, then painted in colour.
 */
import { drawText, measureText } from '../phantom/font.js';
import type { Rgb } from './palette.js';
import type { RgbImage } from './rgb-image.js';

export function textSize(text: string, scale: number): { width: number; height: number } {
  return measureText(text, { scaleX: scale, scaleY: scale, value: 255 });
}

/** Draw `text` with its top-left corner at (x, y); returns the width drawn. */
export function drawTextRgb(img: RgbImage, x: number, y: number, text: string, color: Rgb, scale = 1): number {
  const size = textSize(text, scale);
  if (size.width === 0) return 0;
  const mask = new Uint8Array(size.width * size.height);
  drawText(mask, size.width, size.height, 0, 0, text, { scaleX: scale, scaleY: scale, value: 255 });
  for (let my = 0; my < size.height; my++) {
    const py = y + my;
    if (py < 0 || py >= img.height) continue;
    for (let mx = 0; mx < size.width; mx++) {
      const px = x + mx;
      if (px < 0 || px >= img.width || mask[my * size.width + mx] === 0) continue;
      const o = (py * img.width + px) * 3;
      img.data[o] = color[0];
      img.data[o + 1] = color[1];
      img.data[o + 2] = color[2];
    }
  }
  return size.width;
}
