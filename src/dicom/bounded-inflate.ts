/**
 * Inflating with a byte budget: a raw DEFLATE stream (a deflated DICOM dataset) or
 * the members of a zip file, fed to fflate's streaming inflaters in small input
 * chunks. Inflation stops as soon as the output passes the budget (a decompression
 * bomb is refused after at most the budget, not after it has filled memory), gives
 * the event loop a turn between chunks (so Ctrl-C and SIGTERM are answered at once)
 * and stops when `signal` aborts.
 *
 * Errors are InputErrors (scope `dicom`) that name the file; an abort throws an
 * InputError saying the read was interrupted.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inflate, Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { InputError } from '../errors.js';
import { formatBytes } from './size-limits.js';

export interface InflateLimits {
  /** The most bytes the output may hold. */
  budget: number;
  signal?: AbortSignal;
  /** What is being inflated, for messages: `the deflated dataset`, `the zip`. */
  what: string;
}

/** Input bytes handed to the inflater at a time: at most about 16 MiB of output each (DEFLATE expands at most 1032-fold). */
const INPUT_CHUNK = 16 * 1024;
/** Give the event loop a turn after about this much output. */
const YIELD_EVERY_BYTES = 8 * 1024 * 1024;
/** ... or after this many input chunks (1 MiB of input). */
const YIELD_EVERY_CHUNKS = 64;

/** Inflates raw DEFLATE data, refusing output beyond `limits.budget`. */
export async function inflateRawBounded(compressed: Uint8Array, uri: string, limits: InflateLimits): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total <= limits.budget) chunks.push(chunk);
    if (final) ended = true;
  });
  await feed(compressed, uri, limits, () => total, (chunk, final) => inflater.push(chunk, final));
  if (!ended) throw new InputError(`${uri}: ${limits.what} ends before its DEFLATE stream does (truncated?)`, { scope: 'dicom' });
  return concat(chunks, total);
}

/** The non-empty members of a zip (folders and `__MACOSX/` left out), inflated within one budget for all of them. */
export async function unzipBounded(zip: Uint8Array, uri: string, limits: InflateLimits): Promise<Map<string, Uint8Array>> {
  const members = new Map<string, { chunks: Uint8Array[]; size: number; done: boolean }>();
  let total = 0;
  let memberError: Error | undefined;
  const unzip = new Unzip((file) => {
    if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/')) return;
    const member = { chunks: [] as Uint8Array[], size: 0, done: false };
    members.set(file.name, member);
    file.ondata = (err, chunk, final) => {
      if (err) {
        memberError ??= err;
        return;
      }
      total += chunk.length;
      member.size += chunk.length;
      if (total <= limits.budget) member.chunks.push(chunk);
      if (final) member.done = true;
    };
    try {
      file.start();
    } catch (err) {
      memberError ??= new Error(`${file.name}: ${(err as Error).message}`);
    }
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  await feed(zip, uri, limits, () => total, (chunk, final) => {
    unzip.push(chunk, final);
    if (memberError) throw memberError;
  });
  const out = new Map<string, Uint8Array>();
  for (const [name, member] of members) {
    if (!member.done) throw new InputError(`${uri}: ${limits.what}: member ${name} is cut short`, { scope: 'dicom' });
    if (member.size > 0) out.set(name, concat(member.chunks, member.size));
  }
  return out;
}

/** Pushes `input` chunk by chunk, checking the budget and the signal, yielding now and then. */
async function feed(
  input: Uint8Array,
  uri: string,
  limits: InflateLimits,
  produced: () => number,
  push: (chunk: Uint8Array, final: boolean) => void,
): Promise<void> {
  let sinceYield = 0;
  let chunksSinceYield = 0;
  let before = produced();
  for (let offset = 0; offset < input.length || offset === 0; offset += INPUT_CHUNK) {
    const end = Math.min(input.length, offset + INPUT_CHUNK);
    try {
      push(input.subarray(offset, end), end >= input.length);
    } catch (err) {
      throw new InputError(`${uri}: ${limits.what} cannot be inflated (${(err as Error).message})`, { scope: 'dicom', cause: err });
    }
    const now = produced();
    if (now > limits.budget) {
      throw new InputError(
        `${uri}: ${limits.what} inflates to more than ${formatBytes(limits.budget)} (from ${formatBytes(input.length)}); refused as a likely decompression bomb`,
        { scope: 'dicom', hint: 'a real DICOM file inflates 2 to 20 fold; if this one is genuine, store it uncompressed' },
      );
    }
    sinceYield += now - before;
    before = now;
    chunksSinceYield++;
    if (sinceYield >= YIELD_EVERY_BYTES || chunksSinceYield >= YIELD_EVERY_CHUNKS) {
      sinceYield = 0;
      chunksSinceYield = 0;
      await nextTurn();
    }
    if (limits.signal?.aborted) throw new InputError(`${uri}: interrupted while inflating ${limits.what}`, { scope: 'dicom' });
    if (end >= input.length) break;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
