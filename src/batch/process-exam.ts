/**
 * One exam, start to end, as both the batch runner and a queue worker do it: hash
 * the input, decide from the stored result whether it needs running, run it,
 * write its result atomically. A run directory may be shared by many processes:
 * results are keyed by exam, and a rename replaces a whole file or nothing.
 *
 * A poison exam never stops a run: an exam that an earlier run left cut short (its
 * running marker is there, but no result: the process may have died on it) runs again
 * in a child process of its own with a memory limit (run-exam-isolated.ts). If that
 * process dies too (out of memory, a crashed decoder), the exam is recorded as failed
 * with the reason, as bad input: later runs skip it unless asked to retry failures.
 * `isolate: 'every'` runs every exam that way (no inference shared across exams).
 */
import { describeExam, type ExamInput } from './exam-input.js';
import { failedWithoutRun } from './failed-result.js';
import type { ExamResult } from './exam-result.js';
import { inputHash } from './hashes.js';
import { decideResume, type ResumeDecision } from './resume.js';
import { describeError, runExam } from './run-exam.js';
import { runExamIsolated } from './run-exam-isolated.js';
import type { PipelineEvent } from '../core/events.js';
import type { Clock } from '../core/context.js';
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
  /** Frames of an exam run in a child process (its events stay there), as they pass. */
  onFrames?: (count: number) => void;
  /** Stamped into the result (queue workers). */
  worker?: ExamResult['worker'];
  /** The run's shared inference (one session per model, windows batched across exams). */
  inference?: SharedInference;
  /**
   * Which exams run in a child process with a memory limit: `suspects` (default) those
   * an earlier run left cut short; `every` all of them; `none` none.
   */
  isolate?: 'none' | 'suspects' | 'every';
  /** Memory limit of an isolated exam's process, MiB (default 4096). */
  examMemoryMb?: number;
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
  await runDir.markRunning(exam.key, o.worker?.id);
  // A redone exam starts its sink outputs afresh: nothing of a cut-short run is kept or appended to.
  await runDir.clearOutputs(exam.key);
  const runOptions = {
    base: pipeline.config,
    baseDir: pipeline.baseDir,
    pipelineFile: pipeline.file,
    models: pipeline.models,
    hashes,
    linksDir: o.linksDir,
    sinksDir: runDir.outputDir(exam.key),
    concurrency: o.concurrency,
    dicomweb: o.dicomwebHeaders ? { headers: o.dicomwebHeaders } : undefined,
  };
  const isolate = o.isolate ?? 'suspects';
  const isolated = isolate === 'every' || (isolate === 'suspects' && decision.reason === 'partial');
  const outcome = isolated
    ? await runExamIsolated(
        { exam, options: { ...runOptions, sharedInference: false } },
        { limits: { memoryMb: o.examMemoryMb }, signal: o.signal, onFrames: (n) => o.onFrames?.(n), clock: o.clock },
      )
    : await runExam(exam, {
        ...runOptions,
        inference: o.inference,
        sharedInference: o.inference !== undefined,
        signal: o.signal,
        clock: o.clock,
        onEvent: o.onEvent,
      });
  if (outcome.status === 'interrupted') return outcome; // the marker stays: partial, redone next time
  if (outcome.status === 'crashed') {
    const result = crashed(exam, pipeline, hashes, outcome.reason, decision.reason === 'partial');
    await runDir.writeResult(o.worker ? { ...result, worker: o.worker } : result);
    return { status: 'failed', result, reason: decision.reason };
  }
  const result = o.worker ? { ...outcome.result, worker: o.worker } : outcome.result;
  await runDir.writeResult(result);
  return { status: outcome.status, result, reason: decision.reason };
}

/** The result of an exam whose own process died: failed as bad input, so it is not run again and again. */
function crashed(exam: ExamInput, pipeline: PreparedPipeline, hashes: ExamResult['hashes'], reason: string, again: boolean): ExamResult {
  const result = unreadable(exam, pipeline, undefined);
  return {
    ...result,
    hashes,
    error: {
      message: `${describeExam(exam)}: the exam ${reason}${again ? ' when run alone after an earlier run was cut short on it' : ''}`,
      category: 'input',
      hint: 'it is not run again; --retry-failed runs it again (alone, with the same memory limit)',
    },
  };
}

function unreadable(exam: ExamInput, pipeline: PreparedPipeline, err: unknown): ExamResult {
  // A runtime category makes the next run try again (the file may be back).
  return failedWithoutRun(exam, pipeline, { inputHash: 'unreadable', error: { ...describeError(err), category: 'runtime' } });
}
