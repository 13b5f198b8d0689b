/**
 * Run one exam through its own pipeline (its sinks writing into the exam's folder,
 * its inference through the run's shared service when there is one) and turn what happened into a result:
 * `ok` (the pipeline ran to the end), `failed` (it raised an error, or the source
 * ended the exam early — the error says why), or `interrupted` (Ctrl-C / abort: no
 * result, the next run redoes the exam). Never throws for a bad exam.
 */
import fs from 'node:fs';
import { AutodvtError, ConfigError } from '../core/errors.js';
import { runPipeline } from '../pipeline.js';
import { systemClock, type Clock } from '../core/context.js';
import { DISCLAIMER, type PipelineEvent } from '../core/events.js';
import { describeExam, type ExamInput } from './exam-input.js';
import { ExamCollector, RESULT_VERSION, type ExamResult } from './exam-result.js';
import { examPipelineConfig, type ExamPipelineOptions } from './exam-pipeline.js';
import { labelsFileOf, type ModelRef } from './hashes.js';
import type { PipelineConfig } from '../core/config/pipeline-schema.js';
import type { SharedInference } from '../model/shared-inference.js';
import type { ExamHashes } from './resume.js';
import { inputLossOf } from '../verdict/incomplete-reasons.js';

export interface RunExamOptions extends ExamPipelineOptions {
  base: PipelineConfig;
  baseDir: string;
  pipelineFile?: string;
  models: ModelRef[];
  hashes: ExamHashes;
  signal?: AbortSignal;
  clock?: Clock;
  /** Every event of the exam (progress counts frames from here). */
  onEvent?: (event: PipelineEvent) => void;
  /** The run's shared inference service, when inference is shared across exams. */
  inference?: SharedInference;
}

export type ExamOutcome = { status: 'ok' | 'failed'; result: ExamResult } | { status: 'interrupted' };

export async function runExam(exam: ExamInput, opts: RunExamOptions): Promise<ExamOutcome> {
  const clock = opts.clock ?? systemClock;
  const collector = new ExamCollector();
  const startedAt = new Date(clock.now()).toISOString();
  const t0 = clock.monotonic();
  let error: unknown;
  try {
    const config = examPipelineConfig(opts.base, exam, opts);
    await runPipeline(config, {
      baseDir: opts.baseDir,
      pipelineFile: opts.pipelineFile,
      clock,
      signal: opts.signal,
      stdout: quiet,
      stderr: quiet,
      inference: opts.inference,
      tap: (event) => {
        collector.push(event);
        opts.onEvent?.(event);
      },
    });
  } catch (err) {
    error = err;
  }
  if (opts.signal?.aborted) return { status: 'interrupted' };
  // An exam cut short failed (a resume runs it again); one whose images were unlike the
  // model's training data ran to its end, and `incomplete` is its result.
  const lost = inputLossOf(collector.exam?.incompleteReason);
  if (!error && lost) error = new AutodvtError(lost, { category: 'input' });
  if (!error && !collector.exam) error = new AutodvtError('the source ended without an exam', { category: 'input' });
  const wallMs = clock.monotonic() - t0;
  const labels = labelsFileOf(exam);
  const result: ExamResult = {
    version: RESULT_VERSION,
    key: exam.key,
    status: error ? 'failed' : 'ok',
    input: {
      uri: describeExam(exam),
      kind: exam.kind,
      source: exam.kind === 'dicomweb' ? 'dicomweb' : exam.file.match(/\.(dcm|dicom|dic|zip)$/i) ? 'dicom-cine' : 'video-file',
      ...(labels ? { labels } : {}),
    },
    hashes: opts.hashes,
    models: opts.models,
    examIds: collector.examIds,
    ...(collector.subjectId ? { subjectId: collector.subjectId } : {}),
    frames: collector.frames,
    predictions: collector.predictions,
    mediaDurationMs: collector.mediaDurationMs,
    verdict: error ? undefined : collector.exam?.verdict,
    landmarks: error ? undefined : collector.exam?.landmarks,
    visits: collector.visits,
    ...truthOf(labels),
    warnings: { count: collector.warningCount, first: collector.warnings },
    timing: {
      startedAt,
      finishedAt: new Date(clock.now()).toISOString(),
      wallMs: Math.round(wallMs),
      framesPerSecond: wallMs > 0 ? (collector.frames * 1000) / wallMs : 0,
    },
    ...(error ? {} : { evaluation: collector.evaluation() }),
    ...(error ? { error: describeError(error) } : {}),
    disclaimer: DISCLAIMER,
  };
  return { status: result.status, result };
}

export function describeError(err: unknown): NonNullable<ExamResult['error']> {
  if (err instanceof AutodvtError) {
    return {
      // A ConfigError's problems are a field of their own, so its message is the count.
      message: err instanceof ConfigError ? err.summary : err.message,
      ...(err.scope ? { scope: err.scope } : {}),
      category: err.category,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err instanceof ConfigError ? { problems: err.problems } : {}),
    };
  }
  return { message: err instanceof Error ? err.message : String(err), category: 'unknown' };
}

const quiet = { write: () => true };

/** The exam's true verdict from its labels sidecar, when it states one. */
function truthOf(labelsFile: string | undefined): Pick<ExamResult, 'truth'> {
  if (!labelsFile) return {};
  try {
    const verdict = (JSON.parse(fs.readFileSync(labelsFile, 'utf8')) as { verdict?: unknown }).verdict;
    return typeof verdict === 'string' ? { truth: { verdict } } : {};
  } catch {
    return {}; // an unreadable sidecar already failed the exam in the source
  }
}
