/**
 * One frame of uncompressed (native) pixel data as sample values: 1-bit frames
 * unpacked to 0/255, 16-bit frames byte-swapped when big endian, YBR_FULL_422
 * (two luma samples share one Cb/Cr pair) expanded to one YBR triple per pixel.
 */
import { InputError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import { nativeFrameBytes, type PixelModule } from './pixel-module.js';

export interface NativePixelData {
  /** The bytes the dataset was parsed from. */
  byteArray: Uint8Array;
  /** Where the pixel data value starts in byteArray, and how long it is. */
  dataOffset: number;
  length: number;
  bigEndian: boolean;
}

export function readNativeFrame(px: NativePixelData, pm: PixelModule, frameIndex: number, uri: string): DecodedPixels {
  const width = pm.columns;
  const height = pm.rows;
  const spp = pm.samplesPerPixel;
  if (pm.bitsAllocated === 1) return unpackBits(px, pm, frameIndex, uri);

  const frameBytes = nativeFrameBytes(pm);
  const start = px.dataOffset + frameIndex * frameBytes;
  const end = start + frameBytes;
  if (end > px.dataOffset + px.length || end > px.byteArray.length) {
    const available = Math.max(0, Math.min(px.length, px.byteArray.length - px.dataOffset));
    throw new InputError(
      `${uri}: truncated: frame ${frameIndex} needs bytes ${start - px.dataOffset}..${end - px.dataOffset} of the pixel data, which has ${available}`,
      { scope: 'dicom' },
    );
  }
  const raw = px.byteArray.subarray(start, end);

  if (pm.photometric === 'YBR_FULL_422' || pm.photometric === 'YBR_PARTIAL_422') {
    if (pm.bitsAllocated !== 8) {
      throw new InputError(`${uri}: uncompressed ${pm.photometric} with ${pm.bitsAllocated} bits is not valid DICOM`, {
        scope: 'dicom',
      });
    }
    return { width, height, samplesPerPixel: 3, data: expand422(raw, width * height), planar: false, colorSpace: 'declared' };
  }

  if (pm.bitsAllocated === 8) {
    return { width, height, samplesPerPixel: spp, data: raw, planar: pm.planarConfiguration === 1, colorSpace: 'declared' };
  }

  const count = frameBytes / 2;
  const words = new Uint16Array(count);
  if (!px.bigEndian && raw.byteOffset % 2 === 0) {
    words.set(new Uint16Array(raw.buffer, raw.byteOffset, count));
  } else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const little = !px.bigEndian;
    for (let i = 0; i < count; i++) words[i] = view.getUint16(i * 2, little);
  }
  return {
    width,
    height,
    samplesPerPixel: spp,
    data: pm.pixelRepresentation === 1 ? new Int16Array(words.buffer) : words,
    planar: pm.planarConfiguration === 1,
    colorSpace: 'declared',
  };
}

/** Y0 Y1 Cb Cr for each pair of pixels -> Y Cb Cr for each pixel. */
function expand422(raw: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0; p < pixels && i + 3 < raw.length; p += 2, i += 4) {
    const cb = raw[i + 2];
    const cr = raw[i + 3];
    out[p * 3] = raw[i];
    out[p * 3 + 1] = cb;
    out[p * 3 + 2] = cr;
    if (p + 1 < pixels) {
      out[p * 3 + 3] = raw[i + 1];
      out[p * 3 + 4] = cb;
      out[p * 3 + 5] = cr;
    }
  }
  return out;
}

/** 1-bit frames are packed back to back, LSB first, without padding between frames. */
function unpackBits(px: NativePixelData, pm: PixelModule, frameIndex: number, uri: string): DecodedPixels {
  const count = pm.rows * pm.columns * pm.samplesPerPixel;
  const firstBit = frameIndex * count;
  const lastByte = px.dataOffset + Math.ceil((firstBit + count) / 8);
  if (lastByte > px.dataOffset + px.length || lastByte > px.byteArray.length) {
    throw new InputError(`${uri}: truncated: frame ${frameIndex} of the 1-bit pixel data runs past its end`, { scope: 'dicom' });
  }
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = firstBit + i;
    out[i] = (px.byteArray[px.dataOffset + (bit >> 3)] >> (bit & 7)) & 1 ? 255 : 0;
  }
  return { width: pm.columns, height: pm.rows, samplesPerPixel: pm.samplesPerPixel, data: out, planar: false, colorSpace: 'declared' };
}
