/**
 * `autodvt worker`: take exam jobs from the BullMQ queue and run them, `concurrency`
 * at once, on as many machines as share Redis and the run directory.
 *
 * Each job goes through the same steps as an exam of `autodvt run --input`
 * (processExam): a result already there with the same hashes is kept, a partial
 * one is redone, the result is written atomically. A failure on bad input is a
 * result (the job completes); any other failure throws, so BullMQ retries the job
 * (attempts and backoff set at enqueue).
 *
 * A poison exam never stops the queue:
 * - Isolated (the default): each exam runs in its own child process with a memory limit
 *   (`examMemoryMb`; processExam with `isolate: 'every'`, src/batch/run-exam-isolated.ts).
 *   An exam that runs out of memory or crashes its decoder ends that process only: it
 *   gets a failed result naming the reason (category input), the job completes (a rerun
 *   would crash the same way), and the worker goes on.
 * - In-process (`isolate: false`): the exams a worker runs at once share one ONNX
 *   session per model, their windows batched together. A crash kills the worker; its
 *   job stops renewing its lock and, after `lockMs`, is *stalled* and taken by another
 *   worker, which runs it alone in a child process (an exam a worker died on is a
 *   suspect). A job whose workers died twice (`maxStalledCount` 1) is failed by BullMQ,
 *   and the worker that sees it fail writes the failed result.
 * Either way a job that ends failed without a result (its tries ran out before
 * processExam wrote one) gets a failed result with BullMQ's reason. A worker that
 * dies mid-exam (SIGKILL, power loss) takes the exam's process with it; another
 * worker redoes the exam. The pipeline's sinks write under `<run-dir>/exams/<key>/`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preparePipeline, type PreparedPipeline } from '../batch/prepare.js';
import { skippedSinks, skippedSinksWarning } from '../batch/exam-sinks.js';
import { processExam } from '../batch/process-exam.js';
import { DEFAULT_EXAM_MEMORY_MB } from '../batch/run-exam-isolated.js';
import { RunDir } from '../batch/run-dir.js';
import { AutodvtError, formatError } from '../core/errors.js';
import { SharedInference } from '../model/shared-inference.js';
import { redactUrl, redactUrlsIn } from '../secrets/redact-url.js';
import { systemClock, type Clock, type TextOut } from '../core/context.js';
import type { ResumeDecision } from '../batch/resume.js';
import { givenUpResult } from './given-up-result.js';
import { resolveHeaderReferences } from './header-references.js';
import { DEFAULT_QUEUE, importBullmq, openRedis, redisUrlOf } from './redis-connection.js';
import type { ExamJobData } from './exam-job.js';

/** How often a job may lose its worker (stall) before BullMQ fails it: one crash is a mishap, two a pattern. */
export const MAX_STALLED = 1;

export interface WorkerOptions {
  redisUrl?: string;
  queue?: string;
  concurrency?: number;
  /** Each exam in its own process with a memory limit (default true). */
  isolate?: boolean;
  /** Memory limit of an isolated exam's process, MiB (default 4096). */
  examMemoryMb?: number;
  /**
   * In-process exams only: one ONNX session per model for the exams this worker runs at
   * once, their windows batched together (default true; false: a session per exam).
   */
  shareInference?: boolean;
  /** Lock on a running job; a dead worker's job is taken over after this (default 30 s). */
  lockMs?: number;
  /** Exit once the queue has nothing waiting, delayed or running (batch jobs on a cluster). */
  exitWhenDrained?: boolean;
  out: TextOut;
  signal?: AbortSignal;
  /** Paces the drained-queue poll (`exitWhenDrained`); the system clock when absent. */
  clock?: Clock;
}

export interface WorkerSummary {
  ok: number;
  failed: number;
  skipped: number;
  retried: number;
}

export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const { Worker, Queue } = await importBullmq();
  const url = redisUrlOf(o.redisUrl);
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const id = `${os.hostname()}:${process.pid}`;
  const redis = await openRedis(url);
  const pipelines = new Map<string, PreparedPipeline>();
  const summary: WorkerSummary = { ok: 0, failed: 0, skipped: 0, retried: 0 };
  const lockMs = o.lockMs ?? 30_000;
  const isolate = o.isolate ?? true;
  const memoryMb = o.examMemoryMb ?? DEFAULT_EXAM_MEMORY_MB;
  // Jobs of any run share sessions by model file and options; released when the worker stops.
  const inference = !isolate && (o.shareInference ?? true) ? new SharedInference() : undefined;
  const warnedSinks = new Set<string>();

  const pipelineOf = (data: ExamJobData): PreparedPipeline => {
    const cacheKey = JSON.stringify([data.pipelineFile, data.set]);
    let pipeline = pipelines.get(cacheKey);
    if (!pipeline) pipelines.set(cacheKey, (pipeline = preparePipeline(data.pipelineFile, data.set)));
    const skipped = skippedSinksWarning(skippedSinks(pipeline.config.sinks));
    if (skipped && !warnedSinks.has(cacheKey)) {
      warnedSinks.add(cacheKey);
      o.out.write(`${data.pipelineFile}: ${skipped}\n`);
    }
    return pipeline;
  };
  const headersOf = (data: ExamJobData) =>
    data.dicomwebHeaderRefs ? resolveHeaderReferences(data.dicomwebHeaderRefs, process.env, `worker ${id}`) : undefined;

  const worker = new Worker<ExamJobData>(
    queueName,
    async (job) => {
      const { exam, runDir: dir } = job.data;
      const pipeline = pipelineOf(job.data);
      const dicomwebHeaders = headersOf(job.data);
      const runDir = new RunDir(dir);
      fs.mkdirSync(runDir.examsDir, { recursive: true });
      const attempt = job.attemptsMade + 1;
      const onStart = (d: ResumeDecision) => {
        if (d.action === 'run' && d.reason !== 'new') {
          summary.retried++;
          o.out.write(`↻ ${exam.key}: ${d.reason}, running it again (attempt ${attempt})\n`);
        }
      };
      const outcome = await processExam(exam, {
        pipeline,
        runDir,
        linksDir: path.join(dir, 'links'),
        concurrency: o.concurrency ?? 1,
        dicomwebHeaders,
        inference,
        isolate: isolate ? 'every' : 'suspects',
        examMemoryMb: memoryMb,
        worker: { id, attempt },
        onStart,
      });
      if (outcome.status === 'interrupted') throw new AutodvtError(`${exam.key}: interrupted`, { scope: 'queue' });
      if (outcome.status === 'skipped') {
        summary.skipped++;
        o.out.write(`= ${exam.key}: already done\n`);
        return { status: 'skipped' };
      }
      const r = outcome.result;
      if (outcome.status === 'ok') {
        summary.ok++;
        o.out.write(`✓ ${exam.key}: ${r.verdict ?? 'ok'} (${r.frames} frames, ${(r.timing.wallMs / 1000).toFixed(1)} s)\n`);
        return { status: 'ok' };
      }
      summary.failed++;
      o.out.write(`✖ ${exam.key}: ${redactUrlsIn(r.error?.message ?? 'failed')}\n`);
      // Bad input is final (a failed result); anything else is worth another try.
      if (r.error?.category !== 'input' && r.error?.category !== 'config') throw new AutodvtError(r.error?.message ?? 'failed', { scope: 'queue' });
      return { status: 'failed' };
    },
    {
      connection: redis.client,
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: MAX_STALLED,
    },
  );
  worker.on('error', (err) => o.out.write(`[queue] ${redactUrlsIn(err.message)}\n`));
  // A job BullMQ gives up on (tries used up, or its workers died too often) leaves a result behind.
  const recording = new Set<Promise<void>>();
  worker.on('failed', (job, err) => {
    if (!job || !isFinalFailure(job, err)) return;
    const p = recordGivenUp(job.data, err, job.attemptsMade).catch((e: Error) => {
      o.out.write(`[queue] ${job.data.exam.key}: cannot record the failure: ${redactUrlsIn(e.message)}\n`);
    });
    recording.add(p);
    void p.finally(() => recording.delete(p));
  });
  async function recordGivenUp(data: ExamJobData, err: Error, attempts: number): Promise<void> {
    const runDir = new RunDir(data.runDir);
    const existing = runDir.readResult(data.exam.key);
    if (existing && !runDir.wasPartial(data.exam.key)) return; // processExam wrote it: it says why
    const stalled = /stalled more than allowable limit/i.test(err.message);
    const message = stalled
      ? `the worker running this exam died ${MAX_STALLED + 1} times (a crash, out of memory, or killed); given up`
      : `given up after ${attempts} tries: ${redactUrlsIn(formatError(err, { oneLine: true }))}`;
    const result = await givenUpResult(data.exam, pipelineOf(data), {
      message,
      category: stalled ? 'input' : 'runtime',
      ...(stalled ? { hint: 'run the workers with isolated exams (the default) to get the reason; a batch rerun with --retry-failed runs it again' } : {}),
      worker: { id, attempt: attempts },
    }).catch(() => undefined);
    if (!result) return;
    fs.mkdirSync(runDir.examsDir, { recursive: true });
    await runDir.writeResult(result);
    summary.failed++;
    o.out.write(`✖ ${data.exam.key}: ${message}\n`);
  }

  const stopped = new Promise<void>((resolve) => {
    // Running exams finish first (a second Ctrl-C quits at once: their jobs are then retried).
    const stop = async () => {
      await worker.close();
      resolve();
    };
    o.signal?.addEventListener('abort', () => void stop(), { once: true });
    if (o.exitWhenDrained) {
      const queue = new Queue(queueName, { connection: redis.client });
      const cancel = (o.clock ?? systemClock).every(500, async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized').catch(() => undefined);
        if (c && Object.values(c).every((n) => n === 0)) {
          cancel();
          await queue.close();
          await stop();
        }
      });
    }
  });
  const mode = isolate ? `each exam in its own process, memory limit ${memoryMb} MiB` : inference ? 'in-process, inference shared across exams' : 'in-process';
  o.out.write(`worker ${id} on ${queueName} at ${redactUrl(url)} (concurrency ${o.concurrency ?? 1}, ${mode})\n`);
  await stopped;
  await Promise.all(recording);
  await inference?.close();
  await redis.close();
  return summary;
}

/** BullMQ will not run this job again. */
function isFinalFailure(job: { attemptsMade: number; opts: { attempts?: number } }, err: Error): boolean {
  return err.name === 'UnrecoverableError' || /allowable limit/i.test(err.message) || job.attemptsMade >= (job.opts.attempts ?? 1);
}
