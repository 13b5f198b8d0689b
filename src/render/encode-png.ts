/** PNG encoding of gray and RGB images (pngjs), for the HUD socket and report data URIs. */
import { createRequire } from 'node:module';
import type { RgbImage } from './rgb-image.js';

// Required at the first encoding, not when the units that encode are registered:
// `validate` and `--help` need no PNG library (bench/cli-start.ts).
const require = createRequire(import.meta.url);
const pngjs = (): typeof import('pngjs') => require('pngjs');

export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const { PNG } = pngjs();
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

export function encodeRgbPng(img: RgbImage): Buffer {
  const { PNG } = pngjs();
  const png = new PNG({ width: img.width, height: img.height, colorType: 2, inputColorType: 2, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
