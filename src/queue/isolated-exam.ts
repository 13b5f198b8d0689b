/**
 * Run one queued exam in its own child process (exam-process.ts) with a V8 heap
 * limit, so that an exam that exhausts memory or crashes its decoder ends that
 * process, not the worker. Resolves with the child's outcome, or with `crashed` and a
 * reason a user can read (out of memory, killed by a signal, an exit code); rejects
 * when the child reports an error of its own (the job is then retried by BullMQ).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AutodvtError } from '../errors.js';
import type { ProcessedExam } from '../batch/process-exam.js';
import type { ResumeDecision } from '../batch/resume.js';
import type { ExamProcessMessage, ExamProcessRequest } from './exam-process.js';

export interface IsolationOptions {
  /** V8 heap limit of the exam's process, in MB (--max-old-space-size). */
  memoryMb: number;
  /** The child's entry module (default exam-process-main); tests pass a stand-in. */
  entry?: string;
}

export type IsolatedOutcome = { kind: 'done'; outcome: ProcessedExam } | { kind: 'crashed'; reason: string };

const STDERR_KEPT = 4096;

/** The child's entry: the .ts source when running from source (tsx), the .js file when built. */
export function defaultEntry(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./exam-process-main${ext}`, import.meta.url));
}

/** Node options the child needs to load `entry` (tsx for TypeScript sources). */
function loaderArgs(entry: string): string[] {
  return entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
}

export function runIsolatedExam(req: ExamProcessRequest, o: IsolationOptions, onStart: (d: ResumeDecision) => void): Promise<IsolatedOutcome> {
  const entry = o.entry ?? defaultEntry();
  const child = fork(entry, [], {
    execArgv: [...loaderArgs(entry), `--max-old-space-size=${o.memoryMb}`],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-STDERR_KEPT)));
  return new Promise((resolve, reject) => {
    let reply: ExamProcessMessage | undefined;
    child.on('message', (m: ExamProcessMessage) => {
      if (m.kind === 'start') onStart(m.decision);
      else reply = m;
    });
    child.once('error', (err) => reject(new AutodvtError(`cannot start the exam's process: ${err.message}`, { scope: 'queue', cause: err })));
    child.once('close', (code, signal) => {
      if (reply?.kind === 'done') return resolve({ kind: 'done', outcome: reply.outcome });
      if (reply?.kind === 'error') return reject(new AutodvtError(reply.message, { category: reply.category, hint: reply.hint }));
      resolve({ kind: 'crashed', reason: crashReason(code, signal, stderr, o.memoryMb) });
    });
    child.send(req);
  });
}

/** Why a child ended without an answer, in words. */
export function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string, memoryMb: number): string {
  if (/heap out of memory|Allocation failed|Reached heap limit/i.test(stderr)) {
    return `the exam's process ran out of memory (heap limit ${memoryMb} MB)`;
  }
  if (signal === 'SIGKILL') return "the exam's process was killed (SIGKILL: the system may have run out of memory)";
  if (signal) return `the exam's process crashed (${signal})`;
  return `the exam's process ended without a result (exit code ${code})`;
}
