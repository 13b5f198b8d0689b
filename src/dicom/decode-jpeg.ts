/**
 * JPEG Baseline (1.2.840.10008.1.2.4.50) and Extended (4.51, 8-bit) frames through
 * the libjpeg-turbo wasm codec. libjpeg-turbo turns 3-component YCbCr into RGB, so
 * YBR_FULL / YBR_FULL_422 frames come back as RGB.
 */
import { InputError, UnsupportedError } from '../errors.js';
import type { DecodedPixels } from './types.js';
import { codecErrorMessage, lazyWasmCodec, samplesFromBytes } from './load-wasm-codec.js';
import type { EmscriptenCodecFactory } from './wasm-codec-types.js';

const loadCodec = lazyWasmCodec(
  '@cornerstonejs/codec-libjpeg-turbo-8bit',
  'JPEGDecoder',
  async () => (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')) as { default: EmscriptenCodecFactory },
);

export async function decodeJpeg(frame: Uint8Array, frameIndex: number, uri: string): Promise<DecodedPixels> {
  const precision = jpegPrecision(frame);
  if (precision !== undefined && precision > 8) {
    throw new UnsupportedError(`${precision}-bit JPEG Extended (Process 4) in frame ${frameIndex}`, {
      scope: 'dicom',
      hint: `${uri}: transcode it, e.g. with dcmtk: dcmdjpeg in.dcm out.dcm`,
    });
  }
  const codec = await loadCodec();
  const { decoder } = codec;
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const data = samplesFromBytes(decoder.getDecodedBuffer(), info.bitsPerSample, false);
    return {
      width: info.width,
      height: info.height,
      samplesPerPixel: info.componentCount,
      data,
      planar: false,
      colorSpace: info.componentCount === 3 ? 'rgb' : 'declared',
    };
  } catch (err) {
    throw new InputError(`${uri}: frame ${frameIndex}: corrupt JPEG: ${codecErrorMessage(err, codec)}`, {
      scope: 'dicom',
      cause: err,
    });
  }
}

/** Sample precision from the first SOF marker, if the header can be walked. */
export function jpegPrecision(bytes: Uint8Array): number | undefined {
  let i = 2;
  while (i + 4 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return bytes[i + 4];
    if (marker === 0xda) return undefined;
    i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
  }
  return undefined;
}
