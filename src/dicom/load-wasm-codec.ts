/**
 * Loads a @cornerstonejs wasm decoder once per process (dynamic import, so nothing
 * loads until a file needs it), keeps one decoder instance for reuse (decoding is
 * synchronous, so calls never overlap), and keeps the codec's console output out of
 * stdout: the last lines are kept to explain a failure.
 */
import { UnsupportedError } from '../core/errors.js';
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

/**
 * A readable message for whatever a wasm decoder threw. C++ exceptions arrive as a bare
 * number (the exception object's address in wasm memory), which means nothing to a user:
 * the text is read from that memory instead (see `thrownCppText`). Undefined when the
 * codec left no text; callers then say in their own words what failed.
 */
export function codecErrorMessage(err: unknown, codec: LoadedCodec): string | undefined {
  let message: string | undefined;
  if (err instanceof Error) message = err.message;
  else if (typeof err === 'number') {
    if (codec.module.getExceptionMessage) {
      const m = codec.module.getExceptionMessage(err);
      message = Array.isArray(m) ? m.filter(Boolean).join(': ') : String(m);
    } else {
      message = thrownCppText(err, codec.module.HEAPU8 as Uint8Array | undefined);
    }
  } else if (typeof err === 'string') message = err;
  const recent = codec.messages.splice(0).slice(-3).join('; ');
  if (!message) return recent || undefined;
  return recent ? `${message} (${recent})` : message;
}

/** Bytes of C string read at most from wasm memory, and the least that counts as a message. */
const MAX_TEXT = 300;
const MIN_TEXT = 4;

/**
 * The text of a C++ exception thrown inside an Emscripten module built without
 * exception-message support, from the thrown object's address: a thrown `const char*`
 * (what the @cornerstonejs libjpeg-turbo and OpenJPEG wrappers throw) holds the string's
 * address in its first word; a `std::runtime_error` or `std::system_error` (CharLS's
 * `jpegls_error`) holds a vtable pointer, then the address of its `what()` string.
 * Accepted only when it points at printable text ended by a NUL, so a wrong guess gives
 * undefined, never garbage.
 */
export function thrownCppText(address: number, heap: Uint8Array | undefined): string | undefined {
  if (!heap || !Number.isInteger(address) || address <= 0 || address + 8 > heap.length) return undefined;
  const word = (at: number) => heap[at] | (heap[at + 1] << 8) | (heap[at + 2] << 16) | ((heap[at + 3] << 24) >>> 0);
  for (const slot of [0, 4]) {
    const text = cString(heap, word(address + slot) >>> 0);
    if (text !== undefined) return text;
  }
  return undefined;
}

function cString(heap: Uint8Array, at: number): string | undefined {
  if (at <= 0 || at >= heap.length) return undefined;
  let text = '';
  for (let i = at; i < heap.length && i < at + MAX_TEXT; i++) {
    const c = heap[i];
    if (c === 0) {
      const trimmed = text.trim();
      return trimmed.length >= MIN_TEXT ? trimmed : undefined;
    }
    if (c === 0x0a || c === 0x09) text += ' ';
    else if (c < 0x20 || c > 0x7e) return undefined;
    else text += String.fromCharCode(c);
  }
  return undefined;
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
