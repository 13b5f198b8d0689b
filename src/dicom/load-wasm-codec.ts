/**
 * Loads a @cornerstonejs wasm decoder once per process (dynamic import, so nothing
 * loads until a file needs it), keeps one decoder instance for reuse (decoding is
 * synchronous, so calls never overlap), and keeps the codec's console output out of
 * stdout: the last lines are kept to explain a failure.
 */
import { UnsupportedError } from '../errors.js';
import type { EmscriptenCodecFactory, WasmCodecModule, WasmDecoder } from './wasm-codec-types.js';

export interface LoadedCodec {
  decoder: WasmDecoder;
  module: WasmCodecModule;
  /** The codec's recent console lines (errors and warnings), newest last. */
  messages: string[];
}

const MAX_MESSAGES = 20;

export function lazyWasmCodec(
  packageName: string,
  className: string,
  importer: () => Promise<{ default: EmscriptenCodecFactory }>,
): () => Promise<LoadedCodec> {
  let loading: Promise<LoadedCodec> | undefined;
  return () => {
    loading ??= (async () => {
      let factory: EmscriptenCodecFactory;
      try {
        factory = (await importer()).default;
      } catch (err) {
        loading = undefined;
        throw new UnsupportedError(`${packageName} is not installed, so this transfer syntax cannot be decoded`, {
          scope: 'dicom',
          hint: `npm install ${packageName}`,
          cause: err,
        });
      }
      const messages: string[] = [];
      const keep = (line: string) => {
        if (line.startsWith('[INFO]')) return;
        messages.push(line);
        if (messages.length > MAX_MESSAGES) messages.shift();
      };
      const module = await factory({ print: keep, printErr: keep });
      const Decoder = module[className] as new () => WasmDecoder;
      return { decoder: new Decoder(), module, messages };
    })();
    return loading;
  };
}

/** A readable message for whatever a wasm decoder threw (C++ exceptions arrive as numbers). */
export function codecErrorMessage(err: unknown, codec: LoadedCodec): string {
  let message: string;
  if (err instanceof Error) message = err.message;
  else if (typeof err === 'number' && codec.module.getExceptionMessage) {
    const m = codec.module.getExceptionMessage(err);
    message = Array.isArray(m) ? m.filter(Boolean).join(': ') : String(m);
  } else message = String(err);
  const recent = codec.messages.splice(0).slice(-3).join('; ');
  return recent ? `${message} (${recent})` : message;
}

/** Copies a decoded buffer out of wasm memory into samples of the right width. */
export function samplesFromBytes(bytes: Uint8Array | Uint8ClampedArray, bitsPerSample: number, signed: boolean): Uint8Array | Uint16Array | Int16Array {
  // The codecs hand back a Uint8ClampedArray view of their memory. Copy it into a plain
  // Uint8Array: 8-bit gray is recognised by that type (as is), and a clamped array taken
  // for 16-bit data went through windowing, 9 ms a frame and a per-frame contrast stretch.
  const copy = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (bitsPerSample <= 8) return copy;
  return signed ? new Int16Array(copy.buffer, 0, copy.length >> 1) : new Uint16Array(copy.buffer, 0, copy.length >> 1);
}
