/**
 * Run one exam in a child process of its own, with a memory limit: an exam that
 * exhausts memory or crashes its decoder takes only that process down, and comes
 * back as `crashed` with the reason, instead of ending the batch (or the queue
 * worker) that runs it.
 *
 * The limit is enforced twice: V8's heap limit (`--max-old-space-size`) and the
 * child's resident memory, read from /proc every 100 ms (typed arrays and wasm live
 * outside the heap); past it the child is killed. Aborting `signal` kills the child
 * and the exam counts as interrupted.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock, type Clock } from '../core/context.js';
import type { ExamChildJob, ExamChildMessage } from './exam-child.js';
import type { ExamOutcome } from './run-exam.js';

export interface IsolationLimits {
  /** Resident memory the exam's process may use, MiB (default 4096). */
  memoryMb?: number;
}

export const DEFAULT_EXAM_MEMORY_MB = 4096;
const MEMORY_POLL_MS = 100;
// Beside this module: exam-child.ts under the TypeScript sources (run through tsx), exam-child.js in dist/.
const RUNNING_SOURCES = fileURLToPath(import.meta.url).endsWith('.ts');
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), RUNNING_SOURCES ? 'exam-child.ts' : 'exam-child.js');

export type IsolatedOutcome = ExamOutcome | { status: 'crashed'; reason: string };

export async function runExamIsolated(
  job: ExamChildJob,
  o: {
    limits?: IsolationLimits;
    signal?: AbortSignal;
    onFrames?: (count: number) => void;
    /** Paces the memory watchdog; the system clock when absent. */
    clock?: Clock;
  },
): Promise<IsolatedOutcome> {
  const memoryMb = o.limits?.memoryMb ?? DEFAULT_EXAM_MEMORY_MB;
  if (o.signal?.aborted) return { status: 'interrupted' };
  const child = fork(CHILD, [], {
    execArgv: [...(RUNNING_SOURCES ? ['--import', tsxLoader()] : []), `--max-old-space-size=${memoryMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => (stderrTail = (stderrTail + d.toString()).slice(-4000)));
  let outcome: ExamOutcome | undefined;
  let killedFor: string | undefined;
  child.on('message', (m: ExamChildMessage) => {
    if (m.type === 'frames') o.onFrames?.(m.count);
    else outcome = m.outcome;
  });
  const onAbort = () => {
    killedFor = 'interrupted';
    child.kill('SIGKILL');
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatchdog = (o.clock ?? systemClock).every(MEMORY_POLL_MS, () => {
    const rssMb = residentMb(child.pid);
    if (rssMb !== undefined && rssMb > memoryMb && !killedFor) {
      killedFor = `used more than ${memoryMb} MiB of memory (${Math.round(rssMb)} MiB resident when stopped)`;
      child.kill('SIGKILL');
    }
  });
  child.send(job);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', () => resolve({ code: null, signal: null }));
  });
  stopWatchdog();
  o.signal?.removeEventListener('abort', onAbort);
  if (killedFor === 'interrupted') return { status: 'interrupted' };
  if (outcome) return outcome;
  return { status: 'crashed', reason: killedFor ?? deathReason(exit, stderrTail, memoryMb) };
}

/** Why a child ended without an outcome, in words (never its stderr verbatim: it may hold a native stack). */
function deathReason(exit: { code: number | null; signal: NodeJS.Signals | null }, stderr: string, memoryMb: number): string {
  if (/heap out of memory|Allocation failed|out of memory/i.test(stderr)) return `ran out of memory (heap limit ${memoryMb} MiB)`;
  if (exit.signal) return `crashed (signal ${exit.signal})`;
  return `its process exited with code ${exit.code ?? 'unknown'} without a result`;
}

function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined; // gone, or no /proc (then only the heap limit applies)
  }
}

/** tsx's loader, so the child runs the TypeScript sources as the CLI does. */
function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs')).href;
}
