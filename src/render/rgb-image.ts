/**
 * An 8-bit RGB image (row-major, 3 bytes a pixel) and the few drawing operations
 * the overlays need: gray to RGB, filled and translucent rectangles, lines, blits.
 * Everything clips to the image.
 */
import type { Rgb } from './palette.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B. */
  data: Uint8Array;
}

export function createRgb(width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  if (data.length > 0 && (fill[0] || fill[1] || fill[2])) {
    data[0] = fill[0];
    data[1] = fill[1];
    data[2] = fill[2];
    for (let n = 3; n < data.length; n *= 2) data.copyWithin(n, 0, Math.min(n, data.length - n));
  }
  return { width, height, data };
}

/** Copy a gray image into `dst` at (x, y) as RGB. */
export function blitGray(dst: RgbImage, pixels: Uint8Array, width: number, height: number, x = 0, y = 0): void {
  for (let sy = 0; sy < height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    for (let sx = 0; sx < width; sx++) {
      const dx = x + sx;
      if (dx < 0 || dx >= dst.width) continue;
      const v = pixels[sy * width + sx]!;
      const o = (dy * dst.width + dx) * 3;
      dst.data[o] = v;
      dst.data[o + 1] = v;
      dst.data[o + 2] = v;
    }
  }
}

/** Fill a rectangle; `alpha` < 1 blends the colour over what is there. */
export function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.floor(x + w));
  const y1 = Math.min(img.height, Math.floor(y + h));
  const a = Math.max(0, Math.min(1, alpha));
  for (let py = y0; py < y1; py++) {
    let o = (py * img.width + x0) * 3;
    for (let px = x0; px < x1; px++, o += 3) {
      if (a >= 1) {
        img.data[o] = color[0];
        img.data[o + 1] = color[1];
        img.data[o + 2] = color[2];
      } else {
        img.data[o] = img.data[o]! + (color[0] - img.data[o]!) * a;
        img.data[o + 1] = img.data[o + 1]! + (color[1] - img.data[o + 1]!) * a;
        img.data[o + 2] = img.data[o + 2]! + (color[2] - img.data[o + 2]!) * a;
      }
    }
  }
}

/** A one-pixel-wide line (Bresenham), `thickness` pixels tall. */
export function drawLine(img: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xe = Math.round(x1);
  const ye = Math.round(y1);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    fillRect(img, x, y, 1, thickness, color);
    if (x === xe && y === ye) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}
