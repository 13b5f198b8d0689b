/**
 * The child process one queued exam runs in when the worker isolates exams (the
 * default): the worker forks it with a heap limit and sends it the job, it runs the
 * exam exactly as `autodvt run --input` does (processExam) and replies with the
 * outcome, then exits. A crash here (out of memory, a native fault, an abort) ends
 * this process only; the worker records the exam as failed and goes on.
 *
 * Messages: worker → child `ExamProcessRequest`; child → worker `{ kind: 'start' }`
 * when the exam starts running, then one `ExamProcessReply`.
 * The child ignores SIGINT (the worker decides when running exams stop) and exits
 * when the worker goes away (its IPC channel closes): the job is then taken over
 * by another worker, which redoes the exam.
 */
import fs from 'node:fs';
import path from 'node:path';
import { preparePipeline } from '../batch/prepare.js';
import { processExam, type ProcessedExam } from '../batch/process-exam.js';
import { RunDir } from '../batch/run-dir.js';
import { AutodvtError, type ErrorCategory } from '../errors.js';
import type { ResumeDecision } from '../batch/resume.js';
import type { ExamJobData } from './exam-job.js';

export interface ExamProcessRequest {
  data: ExamJobData;
  /** DICOMweb headers, already filled from the worker's environment. */
  dicomwebHeaders?: Record<string, string>;
  worker: { id: string; attempt: number };
}

export type ExamProcessMessage =
  | { kind: 'start'; decision: ResumeDecision }
  | { kind: 'done'; outcome: ProcessedExam }
  | { kind: 'error'; message: string; category: ErrorCategory; hint?: string };

/** Run one exam in this process, reporting its start through `onStart`. */
export async function runExamProcess(req: ExamProcessRequest, onStart: (d: ResumeDecision) => void = () => undefined): Promise<ProcessedExam> {
  const { exam, runDir: dir, pipelineFile, set } = req.data;
  const pipeline = preparePipeline(pipelineFile, set);
  const runDir = new RunDir(dir);
  fs.mkdirSync(runDir.examsDir, { recursive: true });
  return processExam(exam, {
    pipeline,
    runDir,
    linksDir: path.join(dir, 'links'),
    concurrency: 1,
    dicomwebHeaders: req.dicomwebHeaders,
    worker: req.worker,
    onStart,
  });
}

/**
 * Serve one request from the worker with `run` (the real one, or a test's stand-in),
 * then exit. Call once, at the top of the child's entry module.
 */
export function serveExamProcess(run: (req: ExamProcessRequest, onStart: (d: ResumeDecision) => void) => Promise<ProcessedExam> = runExamProcess): void {
  if (!process.send) throw new Error('exam-process must be started by the queue worker (fork with an IPC channel)');
  const send = (m: ExamProcessMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  process.on('SIGINT', () => undefined);
  process.once('disconnect', () => process.exit(1));
  process.once('message', async (req: ExamProcessRequest) => {
    let reply: ExamProcessMessage;
    try {
      reply = { kind: 'done', outcome: await run(req, (decision) => void send({ kind: 'start', decision })) };
    } catch (err) {
      reply =
        err instanceof AutodvtError
          ? { kind: 'error', message: err.message, category: err.category, ...(err.hint ? { hint: err.hint } : {}) }
          : { kind: 'error', message: err instanceof Error ? err.message : String(err), category: 'runtime' };
    }
    await send(reply);
    process.disconnect();
    process.exit(0);
  });
}
