/**
 * DICOM RLE Lossless (1.2.840.10008.1.2.5, PS3.5 Annex G). A frame is a 64-byte
 * header (segment count, then up to 15 segment offsets) followed by PackBits
 * segments: one per byte of each sample, most significant byte first, so the
 * result is planar (all R, then all G, then all B).
 */
import { InputError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';

/** PackBits expands at most 64-fold: a 2-byte run header and value give 128 bytes. */
const MAX_PACKBITS_RATIO = 64;

export interface RleFrameShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  signed: boolean;
}

export function decodeRle(frame: Uint8Array, shape: RleFrameShape, frameIndex: number, uri: string): DecodedPixels {
  const fail = (what: string) => new InputError(`${uri}: frame ${frameIndex}: corrupt RLE data: ${what}`, { scope: 'dicom' });
  if (frame.length < 64) throw fail(`${frame.length} bytes, shorter than the 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const segments = view.getUint32(0, true);
  const bytesPerSample = shape.bitsAllocated / 8;
  const expected = shape.samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw fail(`${segments} segments, expected ${expected}`);

  const pixels = shape.rows * shape.columns;
  // PackBits turns 2 bytes into at most 128: a frame too small for its declared size is
  // refused before the output is allocated.
  if (pixels * segments > (frame.length - 64) * MAX_PACKBITS_RATIO) {
    throw fail(`${frame.length} bytes cannot hold ${segments} segment(s) of ${shape.columns}x${shape.rows} (at most ${MAX_PACKBITS_RATIO}-fold expansion)`);
  }
  const planes = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + s * 4, true);
    const end = s + 1 < segments ? view.getUint32(8 + s * 4, true) : frame.length;
    if (start < 64 || start > end || end > frame.length) throw fail(`segment ${s} offsets ${start}..${end} are out of range`);
    const written = decodePackBits(frame, start, end, planes, s * pixels, pixels);
    if (written < pixels) throw fail(`segment ${s} holds ${written} bytes, expected ${pixels}`);
  }

  if (bytesPerSample === 1) {
    return { width: shape.columns, height: shape.rows, samplesPerPixel: shape.samplesPerPixel, data: planes, planar: true, colorSpace: 'declared' };
  }
  const words = new Uint16Array(pixels * shape.samplesPerPixel);
  for (let sample = 0; sample < shape.samplesPerPixel; sample++) {
    const hi = sample * 2 * pixels;
    const lo = hi + pixels;
    const out = sample * pixels;
    for (let i = 0; i < pixels; i++) words[out + i] = (planes[hi + i] << 8) | planes[lo + i];
  }
  return {
    width: shape.columns,
    height: shape.rows,
    samplesPerPixel: shape.samplesPerPixel,
    data: shape.signed ? new Int16Array(words.buffer) : words,
    planar: true,
    colorSpace: 'declared',
  };
}

/**
 * PackBits: a header byte n in 0..127 copies the next n+1 bytes; -127..-1 repeats the
 * next byte 1-n times; -128 does nothing. Writes at most `limit` bytes into `out` from
 * `outStart` (extra bytes, e.g. the padding byte of odd-length rows, are dropped) and
 * returns how many it wrote.
 */
export function decodePackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, limit: number): number {
  let i = start;
  let o = outStart;
  const outEnd = outStart + limit;
  while (i < end && o < outEnd) {
    const n = src[i++];
    if (n < 128) {
      const count = Math.min(n + 1, end - i, outEnd - o);
      out.set(src.subarray(i, i + count), o);
      o += count;
      i += n + 1;
    } else if (n > 128) {
      if (i >= end) break;
      const count = Math.min(257 - n, outEnd - o);
      out.fill(src[i++], o, o + count);
      o += count;
    }
  }
  return o - outStart;
}
