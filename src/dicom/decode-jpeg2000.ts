/**
 * JPEG 2000 frames (1.2.840.10008.1.2.4.90 / 4.91) through the OpenJPEG wasm codec.
 * OpenJPEG undoes the multi-component transform, so YBR_RCT / YBR_ICT frames come
 * back as RGB. A codestream without its end-of-codestream marker is refused, since
 * OpenJPEG would quietly return a partial image.
 */
import { InputError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import { codecErrorMessage, lazyWasmCodec, samplesFromBytes } from './load-wasm-codec.js';
import type { EmscriptenCodecFactory } from './wasm-codec-types.js';

const loadCodec = lazyWasmCodec(
  '@cornerstonejs/codec-openjpeg',
  'J2KDecoder',
  async () => (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')) as { default: EmscriptenCodecFactory },
);

export async function decodeJpeg2000(frame: Uint8Array, photometric: string, frameIndex: number, uri: string): Promise<DecodedPixels> {
  const problem = codestreamProblem(frame);
  if (problem) {
    throw new InputError(`${uri}: frame ${frameIndex}: corrupt JPEG 2000 codestream: ${problem}`, {
      scope: 'dicom',
      hint: 'the file is damaged or was cut short',
    });
  }
  const codec = await loadCodec();
  const { decoder } = codec;
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const expected = info.width * info.height * info.componentCount * (info.bitsPerSample > 8 ? 2 : 1);
    if (decoded.length < expected) throw new Error(`decoded ${decoded.length} bytes, expected ${expected}`);
    return {
      width: info.width,
      height: info.height,
      samplesPerPixel: info.componentCount,
      data: samplesFromBytes(decoded, info.bitsPerSample, Boolean(info.isSigned)),
      planar: false,
      colorSpace: info.componentCount === 3 && (photometric === 'YBR_RCT' || photometric === 'YBR_ICT') ? 'rgb' : 'declared',
    };
  } catch (err) {
    throw new InputError(
      `${uri}: frame ${frameIndex}: cannot decode the JPEG 2000 codestream: ${codecErrorMessage(err, codec) ?? 'OpenJPEG refused it without saying why'}`,
      {
        scope: 'dicom',
        hint: 'the file is damaged or was cut short',
        cause: err,
      },
    );
  }
}

/**
 * Why a JPEG 2000 codestream cannot be whole: it must start with SOC+SIZ (FF4F FF51)
 * and end with EOC (FFD9), give or take a few bytes of padding.
 */
export function codestreamProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0x4f || bytes[2] !== 0xff || bytes[3] !== 0x51) {
    return `no SOC/SIZ marker at the start (${bytes.length} bytes)`;
  }
  // Writers pad odd lengths (and some add a stray byte): look for EOC near the end.
  let endsWithEoc = false;
  for (let i = bytes.length - 2; i >= Math.max(4, bytes.length - 8); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) endsWithEoc = true;
  }
  const n = bytes.length;
  return endsWithEoc ? undefined : `too short: no end-of-codestream marker (FFD9) after ${n} bytes`;
}
