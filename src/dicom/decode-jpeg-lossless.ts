/**
 * JPEG Lossless (Process 14, 1.2.840.10008.1.2.4.57 and SV1 4.70) frames through
 * jpeg-lossless-decoder-js, patched so the last pixel of a frame is not dropped
 * (`MarkerFixedLosslessDecoder`, see jpeg-lossless-marker-fix.ts). No colour transform
 * is applied: samples are as declared.
 *
 * The decoder is checked from both sides, since it reports little itself: the marker
 * segments are walked first (a frame that is not lossless JPEG, or is cut short, is
 * refused in words), and after decoding it must have written every pixel without
 * reading past the end of the frame's bytes (it would read zeros there and return a
 * frame whose bottom is garbage).
 */
import { InputError, UnsupportedError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import { jpegDamage, jpegProcessName, readJpegStructure } from './jpeg-structure.js';

type DecoderClass = typeof import('./jpeg-lossless-marker-fix.js').MarkerFixedLosslessDecoder;
let loading: Promise<DecoderClass> | undefined;

/** SOF markers the decoder handles: lossless Huffman-coded (and its differential variant). */
const LOSSLESS_SOF = new Set([0xc3, 0xc7]);
/** Bytes the decoder may read ahead past a frame's end while finishing its last code. */
const READ_AHEAD = 2;

export async function decodeJpegLossless(frame: Uint8Array, bitsAllocated: number, signed: boolean, frameIndex: number, uri: string): Promise<DecodedPixels> {
  const where = `${uri}: frame ${frameIndex}`;
  const structure = readJpegStructure(frame);
  if (structure.frame && !LOSSLESS_SOF.has(structure.frame.marker)) {
    const process = jpegProcessName(structure.frame.marker);
    if (structure.frame.marker === 0xcb || structure.frame.marker === 0xcf) {
      throw new UnsupportedError(`arithmetic-coded JPEG Lossless (${where})`, {
        scope: 'dicom',
        hint: 'transcode it, e.g. with dcmtk: dcmdjpeg in.dcm out.dcm',
      });
    }
    throw new InputError(`${where}: the transfer syntax says JPEG Lossless, but the frame is JPEG ${process}`, {
      scope: 'dicom',
      hint: 'the file header names the wrong transfer syntax; transcode it, e.g. with dcmtk: dcmdjpeg in.dcm out.dcm',
    });
  }
  if (structure.problem) {
    throw new InputError(`${where}: cannot decode the JPEG Lossless data: ${structure.problem}`, {
      scope: 'dicom',
      hint: 'the file is damaged or was cut short',
    });
  }

  loading ??= import('./jpeg-lossless-marker-fix.js').then((m) => m.MarkerFixedLosslessDecoder);
  const Decoder = await loading;
  const decoder = new Decoder();
  let out: Uint8Array | Uint16Array;
  try {
    out = decoder.decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bitsAllocated > 8 ? 2 : 1);
  } catch (err) {
    throw new InputError(`${where}: cannot decode the JPEG Lossless data: ${losslessFailure(err)}`, {
      scope: 'dicom',
      hint: 'the file is damaged or was cut short',
      cause: err,
    });
  }
  const pixels = decoder.xDim * decoder.yDim;
  const written = decoder.yLoc * decoder.xDim + decoder.xLoc;
  const readPastEnd = (decoder.stream?.index ?? 0) - frame.length;
  if (written < pixels || readPastEnd > READ_AHEAD) {
    throw new InputError(
      `${where}: cannot decode the JPEG Lossless data: ` +
        (written < pixels
          ? `the compressed data stops after ${written} of ${pixels} pixels (row ${decoder.yLoc} of ${decoder.yDim})`
          : (jpegDamage(structure, frame.length) ?? `the compressed data runs out before the last pixel (${frame.length} bytes)`)),
      { scope: 'dicom', hint: 'the file is damaged or was cut short' },
    );
  }
  const data = out instanceof Uint16Array && signed ? new Int16Array(out.buffer, out.byteOffset, out.length) : out;
  return {
    width: decoder.xDim,
    height: decoder.yDim,
    samplesPerPixel: decoder.numComp,
    data,
    planar: false,
    colorSpace: 'declared',
  };
}

/** jpeg-lossless-decoder-js's messages ("ERROR: format throw new IOException! (decode)") in words. */
function losslessFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Huffman table format error/i.test(message)) return 'a Huffman table (DHT) segment is malformed';
  if (/IOException! \((Parser\.)?decode\)/.test(message)) return 'the header is damaged: bytes where a marker segment should start';
  if (/arithmetic/i.test(message)) return 'arithmetic-coded JPEG is not supported';
  if (/Ld!=4/.test(message)) return 'a restart interval (DRI) or line count (DNL) segment is malformed';
  if (/HuffmanValue|getn/.test(message)) return 'the Huffman-coded pixel data is damaged';
  if (/Not a JPEG/i.test(message)) return 'it does not start with a JPEG start-of-image marker (FF D8)';
  return `the codestream is damaged (the decoder stopped with: ${message})`;
}
