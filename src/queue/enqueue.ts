/**
 * `autodvt enqueue`: validate the pipeline here (a bad one never reaches the
 * workers), list the exams, and add one BullMQ job per exam with retries.
 * DICOMweb headers go into the jobs as `${VAR}` references only (header-references.ts).
 */
import path from 'node:path';
import { listExams } from '../batch/list-exams.js';
import { defaultRunDir, preparePipeline } from '../batch/prepare.js';
import { textRemovalWarnings } from '../core/config/check-context.js';
import type { ConfigProblem } from '../core/errors.js';
import { checkHeaderReferences, resolveHeaderReferences } from './header-references.js';
import { DEFAULT_QUEUE, importBullmq, openRedis, redisUrlOf } from './redis-connection.js';
import { examJobId, type ExamJobData } from './exam-job.js';

export interface EnqueueOptions {
  pipelineFile: string;
  set?: string[];
  inputs: string[];
  runDir?: string;
  redisUrl?: string;
  queue?: string;
  /** Tries per exam (default 3), with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
  /** DICOMweb headers written with `${VAR}` references (`Bearer ${PACS_TOKEN}`); literal values are refused. */
  dicomwebHeaderRefs?: Record<string, string>;
  /** Where the references are filled from to list the exams (default process.env). */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export async function enqueueExams(o: EnqueueOptions): Promise<{ queue: string; runDir: string; total: number; warnings: ConfigProblem[] }> {
  const refs = o.dicomwebHeaderRefs ?? {};
  checkHeaderReferences(refs);
  const dicomwebHeaders = resolveHeaderReferences(refs, o.env ?? process.env, 'the environment of enqueue');
  const pipeline = preparePipeline(o.pipelineFile, o.set);
  // Shown where the run is started: workers log elsewhere, or nowhere anyone reads.
  const warnings = textRemovalWarnings(pipeline.config, pipeline.file);
  const exams = await listExams(o.inputs, { cwd: o.cwd, dicomwebHeaders });
  const runDir = path.resolve(o.cwd ?? process.cwd(), o.runDir ?? defaultRunDir(o.pipelineFile, o.inputs, o.cwd));
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const { Queue } = await importBullmq();
  const redis = await openRedis(redisUrlOf(o.redisUrl));
  const queue = new Queue<ExamJobData>(queueName, { connection: redis.client });
  try {
    const jobs = exams.map((exam) => ({
      name: 'exam',
      data: { pipelineFile: pipeline.file, set: o.set ?? [], runDir, exam, ...(Object.keys(refs).length ? { dicomwebHeaderRefs: refs } : {}) },
      opts: {
        jobId: examJobId(runDir, exam.key),
        attempts: o.attempts ?? 3,
        backoff: { type: 'exponential', delay: o.backoffMs ?? 1000 },
        removeOnComplete: true,
        removeOnFail: false,
      },
    }));
    // An exam already queued for this run keeps its job (same id): enqueueing twice is harmless.
    await queue.addBulk(jobs);
    return { queue: queueName, runDir, total: exams.length, warnings };
  } finally {
    await queue.close();
    await redis.close();
  }
}
