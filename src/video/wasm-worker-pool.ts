/**
 * Lends worker threads that each hold a ready @ffmpeg/core instance (see
 * wasm-worker.mjs). The 32 MB wasm binary is read and compiled once per process, on
 * first use, and the compiled module is shared with every worker. A job gets a worker
 * of its own (so two wasm decodes can be consumed in lockstep); one idle worker is
 * kept for reuse and unref'd, so it never keeps the process alive.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AutodvtError } from '../core/errors.js';

/** Messages a worker sends about a job. */
export type WorkerJobMessage =
  | { type: 'log'; id: number; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'data'; id: number; chunk: Uint8Array }
  | { type: 'done'; id: number; ret: number; error?: string };

export interface WorkerJobRequest {
  type: 'decode' | 'probe';
  hostPath: string;
  memfsPath: string;
  args: string[];
  /** decode only: Int32Array view [chunks consumed, abort flag]. */
  ctrl?: SharedArrayBuffer;
}

const MAX_IDLE = 1;

// The project's lib (ES2023, no DOM) has no WebAssembly types: declare the one call used.
type CompiledWasm = object;
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledWasm> };

interface CoreFiles {
  coreUrl: string;
  wasmModule: CompiledWasm;
}

let coreFiles: Promise<CoreFiles> | undefined;
const idle: WasmWorker[] = [];
let nextJobId = 1;

function loadCore(): Promise<CoreFiles> {
  coreFiles ??= (async () => {
    let umdEntry: string;
    try {
      umdEntry = createRequire(import.meta.url).resolve('@ffmpeg/core');
    } catch (err) {
      throw new AutodvtError('the wasm video decoder (@ffmpeg/core) is not installed', {
        scope: 'video',
        hint: 'run npm install, or install a native ffmpeg and use decoder: native',
        cause: err,
      });
    }
    const esmDir = join(dirname(umdEntry), '..', 'esm');
    const wasmModule = await WebAssembly.compile(await readFile(join(esmDir, 'ffmpeg-core.wasm')));
    return { coreUrl: pathToFileURL(join(esmDir, 'ffmpeg-core.js')).href, wasmModule };
  })();
  coreFiles.catch(() => (coreFiles = undefined));
  return coreFiles;
}

/** One worker thread with its ffmpeg core; runs one job at a time. */
export class WasmWorker {
  private listener: ((msg: WorkerJobMessage) => void) | null = null;
  private failure: ((err: Error) => void) | null = null;
  private dead = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: WorkerJobMessage | { type: 'ready' }) => {
      if (msg.type !== 'ready') this.listener?.(msg);
    });
    worker.on('error', (err) => this.die(err));
    worker.on('exit', (code) => this.die(new Error(`ffmpeg.wasm worker exited (code ${code})`)));
  }

  static async start(): Promise<WasmWorker> {
    const core = await loadCore();
    const worker = new Worker(new URL('./wasm-worker.mjs', import.meta.url), { workerData: core });
    await new Promise<void>((ready, fail) => {
      const onMessage = (msg: { type: string }): void => {
        if (msg.type === 'ready') {
          worker.off('error', fail);
          ready();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`ffmpeg.wasm worker exited during start (code ${code})`)));
    }).catch((err: unknown) => {
      throw new AutodvtError(`cannot start the wasm video decoder: ${err instanceof Error ? err.message : String(err)}`, {
        scope: 'video',
        cause: err,
      });
    });
    return new WasmWorker(worker);
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Sends a job; its messages go to onMessage; a worker crash goes to onFailure. Returns the job id. */
  run(request: WorkerJobRequest, onMessage: (msg: WorkerJobMessage) => void, onFailure: (err: Error) => void): number {
    const id = nextJobId++;
    this.listener = (msg) => {
      if (msg.id === id) onMessage(msg);
    };
    this.failure = onFailure;
    this.worker.ref();
    this.worker.postMessage({ ...request, id });
    return id;
  }

  /** Job finished: stop routing messages. */
  detach(): void {
    this.listener = null;
    this.failure = null;
    this.worker.unref();
  }

  terminate(): void {
    this.dead = true;
    void this.worker.terminate();
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    const i = idle.indexOf(this);
    if (i >= 0) idle.splice(i, 1);
    this.failure?.(err);
  }
}

export async function acquireWasmWorker(): Promise<WasmWorker> {
  for (let w = idle.pop(); w; w = idle.pop()) if (w.alive) return w;
  return WasmWorker.start();
}

export function releaseWasmWorker(worker: WasmWorker): void {
  worker.detach();
  if (worker.alive && idle.length < MAX_IDLE) idle.push(worker);
  else if (worker.alive) worker.terminate();
}

/** Ends every idle worker (tests, shutdown). Workers lent out end when released. */
export function closeWasmWorkers(): void {
  for (const w of idle.splice(0)) w.terminate();
}
