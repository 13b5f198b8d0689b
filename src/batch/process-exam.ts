/**
 * One exam, start to end, as both the batch runner and a queue worker do it: hash
 * the input, decide from the stored result whether it needs running, run it,
 * write its result atomically. A run directory may be shared by many processes:
 * results are keyed by exam, and a rename replaces a whole file or nothing.
 */
import { describeExam, type ExamInput } from './exam-input.js';
import { RESULT_VERSION, type ExamResult } from './exam-result.js';
import { inputHash } from './hashes.js';
import { decideResume, type ResumeDecision } from './resume.js';
import { describeError, runExam } from './run-exam.js';
import { DISCLAIMER, type PipelineEvent } from '../events.js';
import type { Clock } from '../context.js';
import type { SharedInference } from '../model/shared-inference.js';
import type { PreparedPipeline } from './prepare.js';
import type { RunDir } from './run-dir.js';

export interface ProcessExamOptions {
  pipeline: PreparedPipeline;
  runDir: RunDir;
  linksDir: string;
  concurrency: number;
  retryFailed?: boolean;
  signal?: AbortSignal;
  clock?: Clock;
  dicomwebHeaders?: Record<string, string>;
  onStart?: (decision: ResumeDecision) => void;
  onEvent?: (event: PipelineEvent) => void;
  /** Stamped into the result (queue workers). */
  worker?: ExamResult['worker'];
  /** The run's shared inference (one session per model, windows batched across exams). */
  inference?: SharedInference;
}

export type ProcessedExam =
  | { status: 'skipped'; result: ExamResult }
  | { status: 'ok' | 'failed'; result: ExamResult; reason: string }
  | { status: 'interrupted' };

export async function processExam(exam: ExamInput, o: ProcessExamOptions): Promise<ProcessedExam> {
  const { pipeline, runDir } = o;
  let input: string;
  try {
    input = await inputHash(exam, o.dicomwebHeaders);
  } catch (err) {
    // Unreadable before it starts (missing file, PACS down): a failed result, retried on rerun.
    const result = unreadable(exam, pipeline, err);
    await runDir.writeResult(result);
    return { status: 'failed', result, reason: 'new' };
  }
  const hashes = { input, model: pipeline.modelHash, pipeline: pipeline.pipelineHash };
  const decision = decideResume(runDir.readResult(exam.key), hashes, { partial: runDir.wasPartial(exam.key), retryFailed: o.retryFailed });
  if (decision.action === 'skip') {
    // A whole result with a marker beside it: the process died between writing the result
    // and removing the marker. The result stands; the marker is stale.
    if (runDir.wasPartial(exam.key)) await runDir.clearRunning(exam.key);
    return { status: 'skipped', result: decision.result };
  }
  o.onStart?.(decision);
  await runDir.markRunning(exam.key);
  // A redone exam starts its sink outputs afresh: nothing of a cut-short run is kept or appended to.
  await runDir.clearOutputs(exam.key);
  const outcome = await runExam(exam, {
    base: pipeline.config,
    baseDir: pipeline.baseDir,
    pipelineFile: pipeline.file,
    models: pipeline.models,
    hashes,
    linksDir: o.linksDir,
    sinksDir: runDir.outputDir(exam.key),
    concurrency: o.concurrency,
    inference: o.inference,
    sharedInference: o.inference !== undefined,
    dicomweb: o.dicomwebHeaders ? { headers: o.dicomwebHeaders } : undefined,
    signal: o.signal,
    clock: o.clock,
    onEvent: o.onEvent,
  });
  if (outcome.status === 'interrupted') return outcome; // the marker stays: partial, redone next time
  const result = o.worker ? { ...outcome.result, worker: o.worker } : outcome.result;
  await runDir.writeResult(result);
  return { status: outcome.status, result, reason: decision.reason };
}

function unreadable(exam: ExamInput, pipeline: PreparedPipeline, err: unknown): ExamResult {
  const now = new Date().toISOString();
  const error = describeError(err);
  return {
    version: RESULT_VERSION,
    key: exam.key,
    status: 'failed',
    input: { uri: describeExam(exam), kind: exam.kind, source: exam.kind === 'dicomweb' ? 'dicomweb' : 'file' },
    // A runtime category makes the next run try again (the file may be back).
    hashes: { input: 'unreadable', model: pipeline.modelHash, pipeline: pipeline.pipelineHash },
    models: pipeline.models,
    examIds: [],
    frames: 0,
    predictions: 0,
    mediaDurationMs: 0,
    visits: [],
    warnings: { count: 0, first: [] },
    timing: { startedAt: now, finishedAt: now, wallMs: 0, framesPerSecond: 0 },
    error: { ...error, category: 'runtime' },
    disclaimer: DISCLAIMER,
  };
}
