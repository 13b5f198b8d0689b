/**
 * JPEG Lossless (Process 14, 1.2.840.10008.1.2.4.57 and SV1 4.70) frames through
 * jpeg-lossless-decoder-js. No colour transform is applied: samples are as declared.
 */
import { InputError } from '../errors.js';
import type { DecodedPixels } from './types.js';

type DecoderClass = typeof import('jpeg-lossless-decoder-js').Decoder;
let loading: Promise<DecoderClass> | undefined;

export async function decodeJpegLossless(
  frame: Uint8Array,
  bitsAllocated: number,
  signed: boolean,
  frameIndex: number,
  uri: string,
): Promise<DecodedPixels> {
  loading ??= import('jpeg-lossless-decoder-js').then((m) => m.Decoder);
  const Decoder = await loading;
  const decoder = new Decoder();
  try {
    const out = decoder.decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bitsAllocated > 8 ? 2 : 1);
    const data = out instanceof Uint16Array && signed ? new Int16Array(out.buffer, out.byteOffset, out.length) : out;
    return {
      width: decoder.xDim,
      height: decoder.yDim,
      samplesPerPixel: decoder.numComp,
      data,
      planar: false,
      colorSpace: 'declared',
    };
  } catch (err) {
    throw new InputError(`${uri}: frame ${frameIndex}: corrupt JPEG Lossless codestream: ${(err as Error).message ?? err}`, {
      scope: 'dicom',
      cause: err,
    });
  }
}
