// @ts-check
/**
 * Worker thread that owns one @ffmpeg/core (wasm) instance. Plain JavaScript so that
 * it loads in any host (tsx, vitest, plain node) without a TypeScript loader.
 *
 * Why a worker: core.exec() runs ffmpeg synchronously to the end. In a worker it does
 * not block the pipeline's event loop, and the output can stream: ffmpeg writes to a
 * character device whose write() posts each chunk to the main thread, then blocks
 * (Atomics.wait) while the main thread is more than MAX_AHEAD chunks behind. Memory
 * is therefore the input file (copied into MEMFS, the wasm heap) plus a few output
 * chunks, whatever the clip length. Aborting sets a flag; the next write() fails
 * with EIO, ffmpeg stops and cleans up, and the instance stays reusable.
 *
 * Protocol (main -> worker): { type: 'decode' | 'probe', id, hostPath, memfsPath, args, ctrl? }
 * (worker -> main): { type: 'ready' } once, then per job: { type: 'log', id, stream, line }*,
 * { type: 'data', id, chunk }* (decode only), { type: 'done', id, ret, error? }.
 * ctrl is an Int32Array over a SharedArrayBuffer: [0] chunks consumed, [1] abort flag.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const ACKED = 0;
const ABORT = 1;
const MAX_AHEAD = 8;
const EIO = 29;
const OUTPUT = '/dev/autodvt-gray';

if (!parentPort) throw new Error('wasm-worker.mjs must run in a worker thread');
const port = parentPort;

// The emscripten glue reads self.location when it thinks it runs in a browser worker.
// Shimmed here, in the worker's own global, never in the host process.
// @ts-expect-error
globalThis.self ??= { location: { href: workerData.coreUrl } };

const { default: createFFmpegCore } = await import(workerData.coreUrl);
/** @type {any} */
const core = await createFFmpegCore({
  /** @param {WebAssembly.Imports} imports @param {(i: WebAssembly.Instance, m: WebAssembly.Module) => void} done */
  instantiateWasm(imports, done) {
    WebAssembly.instantiate(workerData.wasmModule, imports).then((instance) => done(instance, workerData.wasmModule));
    return {};
  },
});
const FS = core.FS;

/** @type {{ id: number, ctrl: Int32Array, sent: number } | null} */
let job = null;

const device = FS.makedev(64, 0);
FS.registerDevice(device, {
  open() {},
  close() {},
  read() {
    throw new FS.ErrnoError(EIO);
  },
  /** @param {unknown} _stream @param {Int8Array} buffer @param {number} offset @param {number} length */
  write(_stream, buffer, offset, length) {
    const current = job;
    if (!current || Atomics.load(current.ctrl, ABORT)) throw new FS.ErrnoError(EIO);
    const chunk = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length).slice();
    port.postMessage({ type: 'data', id: current.id, chunk }, [chunk.buffer]);
    current.sent++;
    for (;;) {
      const acked = Atomics.load(current.ctrl, ACKED);
      if (Atomics.load(current.ctrl, ABORT)) throw new FS.ErrnoError(EIO);
      if (current.sent - acked <= MAX_AHEAD) break;
      Atomics.wait(current.ctrl, ACKED, acked, 1000);
    }
    return length;
  },
});
FS.mkdev(OUTPUT, device);

/** @type {number | null} */
let logJob = null;
core.setLogger((/** @type {{ type: string, message: string }} */ log) => {
  if (logJob !== null) port.postMessage({ type: 'log', id: logJob, stream: log.type, line: log.message });
});

port.on('message', (msg) => {
  const { id, type, hostPath, memfsPath, args } = msg;
  try {
    FS.writeFile(memfsPath, readFileSync(hostPath));
  } catch (err) {
    port.postMessage({ type: 'done', id, ret: -1, error: `cannot read ${hostPath}: ${/** @type {Error} */ (err).message}` });
    return;
  }
  logJob = id;
  job = type === 'decode' ? { id, ctrl: new Int32Array(msg.ctrl), sent: 0 } : null;
  core.reset();
  let ret = -1;
  /** @type {string | undefined} */
  let error;
  try {
    ret = type === 'decode' ? core.exec(...args) : core.ffprobe(...args);
  } catch (err) {
    error = `ffmpeg.wasm crashed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    job = null;
    logJob = null;
    try {
      FS.unlink(memfsPath);
    } catch {
      // already gone
    }
  }
  port.postMessage({ type: 'done', id, ret, error });
  // A crashed instance may hold broken state: let the pool replace this worker.
  if (error) process.exit(1);
});

port.postMessage({ type: 'ready' });
