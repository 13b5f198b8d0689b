/**
 * Decoded samples -> 8-bit gray, per Photometric Interpretation:
 * MONOCHROME2 as is, MONOCHROME1 inverted, 16-bit grayscale windowed to 8 bits
 * (Window Center/Width when present, else the frame's min..max, after the modality
 * rescale), PALETTE COLOR through its lookup tables, RGB as Rec. 601 luma
 * (0.299 R + 0.587 G + 0.114 B), YBR_* as their Y sample (that luma for YBR_FULL and
 * YBR_ICT, close to it for YBR_RCT; codecs usually hand back RGB for these anyway).
 */
import { UnsupportedError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import type { PaletteGrayLut } from './palette-lut.js';
import type { PixelModule } from './pixel-module.js';

/** Rec. 601 luma of an 8-bit RGB triple, rounded, in 16.16 fixed point. */
export function luma(r: number, g: number, b: number): number {
  return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
}

export const COLOR_PHOTOMETRICS = ['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_PARTIAL_422', 'YBR_PARTIAL_420', 'YBR_ICT', 'YBR_RCT'];
export const GRAY_PHOTOMETRICS = ['MONOCHROME1', 'MONOCHROME2', 'PALETTE COLOR'];

/** Refuses, before any frame is decoded, a sample layout the conversion cannot handle. */
export function checkPhotometric(pm: PixelModule, uri: string): void {
  const ok =
    (pm.samplesPerPixel === 1 && GRAY_PHOTOMETRICS.includes(pm.photometric)) || (pm.samplesPerPixel === 3 && COLOR_PHOTOMETRICS.includes(pm.photometric));
  if (!ok) {
    throw new UnsupportedError(`Photometric Interpretation ${pm.photometric} with ${pm.samplesPerPixel} samples per pixel (${uri})`, {
      scope: 'dicom',
      hint: 'gray (MONOCHROME1/2, PALETTE COLOR) with 1 sample, or RGB/YBR with 3, can be decoded',
    });
  }
}

export function toGray(px: DecodedPixels, pm: PixelModule, palette?: PaletteGrayLut): Uint8Array {
  if (px.samplesPerPixel === 1) {
    if (pm.photometric === 'PALETTE COLOR' && palette) return paletteToGray(px.data, palette);
    const gray = px.data instanceof Uint8Array ? px.data.slice() : monoTo8Bit(px.data, pm);
    if (pm.photometric === 'MONOCHROME1') for (let i = 0; i < gray.length; i++) gray[i] = 255 - gray[i];
    return gray;
  }
  return colorToGray(px, pm);
}

function paletteToGray(data: Uint8Array | Uint16Array | Int16Array, palette: PaletteGrayLut): Uint8Array {
  const { lut, firstMapped } = palette;
  const last = lut.length - 1;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const k = data[i] - firstMapped;
    out[i] = lut[k < 0 ? 0 : Math.min(k, last)];
  }
  return out;
}

/** 16-bit grayscale to 8 bits: mask to Bits Stored, rescale, then window (DICOM linear) or min/max. */
export function monoTo8Bit(data: Uint16Array | Int16Array, pm: PixelModule): Uint8Array {
  const bits = pm.bitsStored;
  const mask = bits >= 16 ? 0xffff : (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  const signed = pm.pixelRepresentation === 1;
  const values = new Float64Array(data.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    let v = data[i] & mask;
    if (signed && v & signBit) v -= mask + 1;
    const m = v * pm.rescaleSlope + pm.rescaleIntercept;
    values[i] = m;
    if (m < min) min = m;
    if (m > max) max = m;
  }
  const out = new Uint8Array(data.length);
  if (pm.windowCenter !== undefined && pm.windowWidth !== undefined) {
    const c = pm.windowCenter - 0.5;
    const w = Math.max(pm.windowWidth - 1, 1);
    for (let i = 0; i < values.length; i++) {
      const t = (values[i] - c) / w + 0.5;
      out[i] = t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
    }
    return out;
  }
  const range = max - min;
  if (range <= 0) return out;
  const scale = 255 / range;
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] - min) * scale);
  return out;
}

function colorToGray(px: DecodedPixels, pm: PixelModule): Uint8Array {
  const n = px.width * px.height;
  const out = new Uint8Array(n);
  const d = px.data;
  const shift = d instanceof Uint8Array ? 0 : Math.max(0, pm.bitsStored - 8);
  // stride between samples of one pixel, and between pixels
  const sampleStep = px.planar ? n : 1;
  const pixelStep = px.planar ? 1 : 3;
  const space = px.colorSpace === 'rgb' ? 'RGB' : pm.photometric;
  if (space === 'RGB') {
    for (let p = 0, i = 0; p < n; p++, i += pixelStep) {
      out[p] = luma(d[i] >> shift, d[i + sampleStep] >> shift, d[i + 2 * sampleStep] >> shift);
    }
  } else if (space === 'YBR_PARTIAL_422' || space === 'YBR_PARTIAL_420') {
    for (let p = 0, i = 0; p < n; p++, i += pixelStep) {
      const y = ((d[i] >> shift) - 16) * (255 / 219);
      out[p] = y <= 0 ? 0 : y >= 255 ? 255 : Math.round(y);
    }
  } else {
    // YBR_FULL, YBR_FULL_422, YBR_ICT, YBR_RCT: the first sample is the luma
    for (let p = 0, i = 0; p < n; p++, i += pixelStep) out[p] = d[i] >> shift;
  }
  return out;
}
