/** The shape shared by the @cornerstonejs wasm decoders (libjpeg-turbo, CharLS, OpenJPEG). */

export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  /** A view of the codec's memory: the @cornerstonejs codecs return a Uint8ClampedArray. */
  getDecodedBuffer(): Uint8Array | Uint8ClampedArray;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getInterleaveMode?(): number;
  getColorSpace?(): number;
  delete(): void;
}

export interface EmscriptenModuleOptions {
  print?: (message: string) => void;
  printErr?: (message: string) => void;
}

export type WasmCodecModule = Record<string, unknown> & {
  getExceptionMessage?: (err: unknown) => [string, string] | string;
};

export type EmscriptenCodecFactory = (options?: EmscriptenModuleOptions) => Promise<WasmCodecModule>;
