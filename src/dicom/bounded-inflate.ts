/**
 * Inflating with a byte budget: a raw DEFLATE stream (a deflated DICOM dataset) or
 * the members of a zip file (fflate's streaming `Unzip` reads the container; Node's
 * zlib inflates each member). Inflation runs in zlib's thread pool, so the event loop
 * stays free (Ctrl-C and SIGTERM are answered at once); it stops as soon as the output
 * passes the budget (a decompression bomb is refused after at most the budget, not
 * after it has filled memory), and stops when `signal` aborts.
 *
 * Errors are InputErrors (scope `dicom`) that name the file; an abort rejects with an
 * InputError saying the read was interrupted.
 */
import zlib from 'node:zlib';
import { PassThrough, type Transform } from 'node:stream';
import { Unzip, type AsyncFlateStreamHandler } from 'fflate';
import { InputError } from '../core/errors.js';
import { formatBytes } from './size-limits.js';

export interface InflateLimits {
  /** The most bytes the output may hold. */
  budget: number;
  signal?: AbortSignal;
  /** What is being inflated, for messages: `the deflated dataset`, `the zip`. */
  what: string;
}

/** Output chunk of zlib's inflater: large, so a bomb's hundreds of MiB arrive in few callbacks. */
const ZLIB_CHUNK = 1024 * 1024;

/** Inflates raw DEFLATE data, refusing output beyond `limits.budget`. */
export async function inflateRawBounded(compressed: Uint8Array, uri: string, limits: InflateLimits): Promise<Uint8Array> {
  const guard = new BudgetGuard(uri, limits, compressed.length);
  const chunks: Uint8Array[] = [];
  const inflater = zlib.createInflateRaw({ chunkSize: ZLIB_CHUNK });
  guard.onStop(() => inflater.destroy());
  const done = new Promise<void>((resolve) => {
    inflater.on('data', (chunk: Buffer) => {
      if (guard.add(chunk.length)) chunks.push(chunk);
    });
    inflater.on('error', (err) => guard.fail(cannotInflate(uri, limits.what, err)));
    inflater.on('end', () => resolve());
  });
  inflater.end(compressed);
  await guard.race(done);
  return concat(chunks, guard.total);
}

/** The non-empty members of a zip (folders and `__MACOSX/` left out), inflated within one budget for all of them. */
export async function unzipBounded(zip: Uint8Array, uri: string, limits: InflateLimits): Promise<Map<string, Uint8Array>> {
  const guard = new BudgetGuard(uri, limits, zip.length);
  const members: { name: string; chunks: Uint8Array[]; size: number; done: Promise<void> }[] = [];
  const decoders: MemberDecoder[] = [];
  guard.onStop(() => decoders.forEach((d) => d.terminate()));
  const unzip = new Unzip((file) => {
    if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/')) return;
    const member = { name: file.name, chunks: [] as Uint8Array[], size: 0, done: Promise.resolve() };
    member.done = new Promise<void>((resolve) => {
      file.ondata = (err, chunk, final) => {
        if (err) return guard.fail(cannotInflate(uri, `${limits.what} (member ${file.name})`, err));
        if (!guard.add(chunk.length)) return;
        member.chunks.push(chunk);
        member.size += chunk.length;
        if (final) resolve();
      };
    });
    members.push(member);
    file.start();
  });
  // Decoders made here so that this call can see which members never got their end.
  unzip.register(memberDecoder(8, decoders, () => zlib.createInflateRaw({ chunkSize: ZLIB_CHUNK })));
  unzip.register(memberDecoder(0, decoders, () => new PassThrough()));
  try {
    unzip.push(zip, true);
  } catch (err) {
    guard.fail(cannotInflate(uri, limits.what, err));
  }
  const cut = decoders.findIndex((d) => !d.ended);
  if (cut >= 0) guard.fail(new InputError(`${uri}: ${limits.what} is cut short inside member ${members[cut]?.name ?? cut + 1}`, { scope: 'dicom' }));
  await guard.race(Promise.all(members.map((m) => m.done)).then(() => undefined));
  return new Map(members.filter((m) => m.size > 0).map((m) => [m.name, concat(m.chunks, m.size)]));
}

interface MemberDecoder {
  ended: boolean;
  terminate(): void;
}

/** An fflate `UnzipDecoder` for one compression method, over a Node stream (zlib inflate, or a pass-through for stored members). */
function memberDecoder(compression: number, made: MemberDecoder[], stream: () => Transform) {
  return class implements MemberDecoder {
    static compression = compression;
    ondata: AsyncFlateStreamHandler = () => {};
    ended = false;
    private readonly stream = stream();

    constructor() {
      made.push(this);
      this.stream.on('data', (chunk: Buffer) => this.ondata(null, new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.length), false));
      this.stream.on('end', () => this.ondata(null, new Uint8Array(0), true));
      this.stream.on('error', (err) => this.ondata(err as never, new Uint8Array(0), true));
    }

    push(chunk: Uint8Array, final: boolean): void {
      if (chunk.length) this.stream.write(chunk);
      if (final) {
        this.ended = true;
        this.stream.end();
      }
    }

    terminate(): void {
      this.stream.destroy();
    }
  };
}

/** Counts output against the budget; the first failure (bomb, corrupt data, abort) wins and stops the inflaters. */
class BudgetGuard {
  total = 0;
  private failure: InputError | undefined;
  private stops: (() => void)[] = [];
  private rejectRace: ((err: InputError) => void) | undefined;
  private readonly onAbort = () => this.fail(new InputError(`${this.uri}: interrupted while inflating ${this.limits.what}`, { scope: 'dicom' }));

  constructor(
    private readonly uri: string,
    private readonly limits: InflateLimits,
    private readonly compressedBytes: number,
  ) {
    limits.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (limits.signal?.aborted) this.onAbort();
  }

  onStop(stop: () => void): void {
    this.stops.push(stop);
  }

  /** Counts `n` more output bytes; false (and the run fails) once past the budget or after a failure. */
  add(n: number): boolean {
    if (this.failure) return false;
    this.total += n;
    if (this.total <= this.limits.budget) return true;
    this.fail(
      new InputError(
        `${this.uri}: ${this.limits.what} inflates to more than ${formatBytes(this.limits.budget)} (from ${formatBytes(this.compressedBytes)}); refused as a likely decompression bomb`,
        { scope: 'dicom', hint: 'a real DICOM file inflates 2 to 20 fold; if this one is genuine, store it uncompressed' },
      ),
    );
    return false;
  }

  fail(err: InputError): void {
    if (this.failure) return;
    this.failure = err;
    for (const stop of this.stops) stop();
    this.rejectRace?.(err);
  }

  /** Waits for `done`, or rejects with the first failure. */
  async race(done: Promise<void>): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        this.rejectRace = reject;
        done.then(resolve, reject);
      });
    } finally {
      this.limits.signal?.removeEventListener('abort', this.onAbort);
    }
  }
}

function cannotInflate(uri: string, what: string, err: unknown): InputError {
  return new InputError(`${uri}: ${what} cannot be inflated (${(err as Error).message ?? String(err)})`, { scope: 'dicom', cause: err });
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
