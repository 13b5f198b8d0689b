/**
 * JPEG Baseline (1.2.840.10008.1.2.4.50) and Extended (4.51, 8-bit) frames through
 * the libjpeg-turbo wasm codec. libjpeg-turbo turns 3-component YCbCr into RGB, so
 * YBR_FULL / YBR_FULL_422 frames come back as RGB.
 */
import { InputError, UnsupportedError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import { codecErrorMessage, lazyWasmCodec, samplesFromBytes } from './load-wasm-codec.js';
import { jpegDamage, readJpegStructure } from './jpeg-structure.js';
import type { EmscriptenCodecFactory } from './wasm-codec-types.js';

const loadCodec = lazyWasmCodec(
  '@cornerstonejs/codec-libjpeg-turbo-8bit',
  'JPEGDecoder',
  async () => (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')) as { default: EmscriptenCodecFactory },
);

export async function decodeJpeg(frame: Uint8Array, frameIndex: number, uri: string): Promise<DecodedPixels> {
  const precision = jpegPrecision(frame);
  if (precision !== undefined && precision > 8) {
    throw new UnsupportedError(`${precision}-bit JPEG Extended (Process 4) in ${uri}, frame ${frameIndex}`, {
      scope: 'dicom',
      hint: 'transcode it, e.g. with dcmtk: dcmdjpeg in.dcm out.dcm',
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
    throw new InputError(`${uri}: frame ${frameIndex}: cannot decode the JPEG data: ${jpegFailure(frame, codecErrorMessage(err, codec))}`, {
      scope: 'dicom',
      hint: 'the file is damaged or was cut short',
      cause: err,
    });
  }
}

/**
 * Why libjpeg-turbo refused a frame, in words: a structural problem found by walking the
 * markers when there is one, else what the codec wrapper said (it reports only the step
 * that failed, not libjpeg's reason).
 */
function jpegFailure(frame: Uint8Array, codecText: string | undefined): string {
  const damage = jpegDamage(readJpegStructure(frame), frame.length);
  if (damage) return damage;
  const text = (codecText ?? '').replace(/^~+/, '');
  if (/reading header/i.test(text)) return 'libjpeg-turbo could not read its header (the tables or frame header are damaged)';
  if (/decompressing/i.test(text)) return 'the compressed image data is damaged (libjpeg-turbo stopped while decompressing it)';
  return text ? `libjpeg-turbo: ${text}` : 'libjpeg-turbo refused it without saying why';
}

/** Sample precision from the first SOF marker, if the header can be walked. */
export function jpegPrecision(bytes: Uint8Array): number | undefined {
  return readJpegStructure(bytes).frame?.precision;
}
