/**
 * JPEG-LS lossless and near-lossless frames (1.2.840.10008.1.2.4.80 / 4.81) through
 * the CharLS wasm codec. Colour frames encoded without interleave come back planar.
 */
import { InputError } from '../core/errors.js';
import type { DecodedPixels } from './types.js';
import { codecErrorMessage, lazyWasmCodec, samplesFromBytes } from './load-wasm-codec.js';
import type { EmscriptenCodecFactory } from './wasm-codec-types.js';

const loadCodec = lazyWasmCodec(
  '@cornerstonejs/codec-charls',
  'JpegLSDecoder',
  async () => (await import('@cornerstonejs/codec-charls/decodewasmjs')) as { default: EmscriptenCodecFactory },
);

export async function decodeJpegLs(frame: Uint8Array, signed: boolean, frameIndex: number, uri: string): Promise<DecodedPixels> {
  const codec = await loadCodec();
  const { decoder } = codec;
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const interleave = decoder.getInterleaveMode?.() ?? 0;
    return {
      width: info.width,
      height: info.height,
      samplesPerPixel: info.componentCount,
      data: samplesFromBytes(decoder.getDecodedBuffer(), info.bitsPerSample, signed),
      planar: info.componentCount > 1 && interleave === 0,
      colorSpace: 'declared',
    };
  } catch (err) {
    throw new InputError(
      `${uri}: frame ${frameIndex}: cannot decode the JPEG-LS codestream: ${codecErrorMessage(err, codec) ?? 'CharLS refused it without saying why'}`,
      {
        scope: 'dicom',
        hint: 'the file is damaged or was cut short',
        cause: err,
      },
    );
  }
}
