/**
 * `autodvt worker`: take exam jobs from the BullMQ queue and run them, `concurrency`
 * at once, on as many machines as share Redis and the run directory.
 *
 * Each job goes through the same steps as an exam of `autodvt run --input`
 * (processExam): a result already there with the same hashes is kept, a partial
 * one is redone, the result is written atomically. A failure on bad input is a
 * result (the job completes); any other failure throws, so BullMQ retries the job
 * (attempts and backoff set at enqueue). A worker that dies mid-exam (SIGKILL,
 * power loss) stops renewing its lock: after `lockMs` the job is stalled and
 * another worker takes it. The exams a worker runs at once share one ONNX session
 * per model, with their windows batched together, as in `run --input`; the
 * pipeline's sinks write under `<run-dir>/exams/<key>/`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preparePipeline, type PreparedPipeline } from '../batch/prepare.js';
import { skippedSinks, skippedSinksWarning } from '../batch/exam-sinks.js';
import { processExam } from '../batch/process-exam.js';
import { RunDir } from '../batch/run-dir.js';
import { AutodvtError } from '../errors.js';
import { SharedInference } from '../model/shared-inference.js';
import type { TextOut } from '../context.js';
import { redactUrl, redactUrlsIn } from '../secrets/redact-url.js';
import { resolveHeaderReferences } from './header-references.js';
import { DEFAULT_QUEUE, openRedis, redisUrlOf } from './redis-connection.js';
import type { ExamJobData } from './exam-job.js';

export interface WorkerOptions {
  redisUrl?: string;
  queue?: string;
  concurrency?: number;
  /**
   * One ONNX session per model for the exams this worker runs at once, their windows
   * batched together (default true; false: a session per exam).
   */
  shareInference?: boolean;
  /** Lock on a running job; a dead worker's job is taken over after this (default 30 s). */
  lockMs?: number;
  /** Exit once the queue has nothing waiting, delayed or running (batch jobs on a cluster). */
  exitWhenDrained?: boolean;
  out: TextOut;
  signal?: AbortSignal;
}

export interface WorkerSummary {
  ok: number;
  failed: number;
  skipped: number;
  retried: number;
}

export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const { Worker, Queue } = await import('bullmq');
  const url = redisUrlOf(o.redisUrl);
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const id = `${os.hostname()}:${process.pid}`;
  const redis = await openRedis(url);
  const pipelines = new Map<string, PreparedPipeline>();
  const summary: WorkerSummary = { ok: 0, failed: 0, skipped: 0, retried: 0 };
  const lockMs = o.lockMs ?? 30_000;
  // Jobs of any run share sessions by model file and options; released when the worker stops.
  const inference = (o.shareInference ?? true) ? new SharedInference() : undefined;
  const warnedSinks = new Set<string>();

  const worker = new Worker<ExamJobData>(
    queueName,
    async (job) => {
      const { exam, runDir: dir, pipelineFile, set } = job.data;
      const cacheKey = JSON.stringify([pipelineFile, set]);
      let pipeline = pipelines.get(cacheKey);
      if (!pipeline) pipelines.set(cacheKey, (pipeline = preparePipeline(pipelineFile, set)));
      const skipped = skippedSinksWarning(skippedSinks(pipeline.config.sinks));
      if (skipped && !warnedSinks.has(cacheKey)) {
        warnedSinks.add(cacheKey);
        o.out.write(`${pipelineFile}: ${skipped}\n`);
      }
      const runDir = new RunDir(dir);
      fs.mkdirSync(runDir.examsDir, { recursive: true });
      const attempt = job.attemptsMade + 1;
      const outcome = await processExam(exam, {
        pipeline,
        runDir,
        linksDir: path.join(dir, 'links'),
        concurrency: o.concurrency ?? 1,
        dicomwebHeaders: job.data.dicomwebHeaderRefs ? resolveHeaderReferences(job.data.dicomwebHeaderRefs, process.env, `worker ${id}`) : undefined,
        inference,
        worker: { id, attempt },
        onStart: (d) => {
          if (d.action === 'run' && d.reason !== 'new') {
            summary.retried++;
            o.out.write(`↻ ${exam.key}: ${d.reason}, running it again (attempt ${attempt})\n`);
          }
        },
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
      maxStalledCount: 3,
    },
  );
  worker.on('error', (err) => o.out.write(`[queue] ${redactUrlsIn(err.message)}\n`));

  const stopped = new Promise<void>((resolve) => {
    // Running exams finish first (a second Ctrl-C quits at once: their jobs are then retried).
    const stop = async () => {
      await worker.close();
      resolve();
    };
    o.signal?.addEventListener('abort', () => void stop(), { once: true });
    if (o.exitWhenDrained) {
      const queue = new Queue(queueName, { connection: redis.client });
      const timer = setInterval(async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized').catch(() => undefined);
        if (c && Object.values(c).every((n) => n === 0)) {
          clearInterval(timer);
          await queue.close();
          await stop();
        }
      }, 500);
    }
  });
  o.out.write(`worker ${id} on ${queueName} at ${redactUrl(url)} (concurrency ${o.concurrency ?? 1}${inference ? ', inference shared across exams' : ''})\n`);
  await stopped;
  await inference?.close();
  await redis.close();
  return summary;
}
