/**
 * The failed result of an exam the queue gave up on: its process crashed or ran out
 * of memory, its workers died while running it more often than allowed, or its tries
 * ran out before any result was written. The result names the reason and keeps the
 * input hash, so the failure stands on a rerun (category `input`, for a crash: the
 * same input would crash again; `--retry-failed` runs it anyway) or is retried
 * (category `runtime`, for a failure that may pass, such as a missing environment
 * variable).
 */
import type { ExamInput } from '../batch/exam-input.js';
import type { ExamResult } from '../batch/exam-result.js';
import { failedWithoutRun } from '../batch/failed-result.js';
import { inputHash } from '../batch/hashes.js';
import type { ErrorCategory } from '../core/errors.js';
import type { PreparedPipeline } from '../batch/prepare.js';

export interface GiveUp {
  message: string;
  category: ErrorCategory;
  hint?: string;
  worker: { id: string; attempt: number };
  dicomwebHeaders?: Record<string, string>;
}

export async function givenUpResult(exam: ExamInput, pipeline: PreparedPipeline, why: GiveUp): Promise<ExamResult> {
  const input = await inputHash(exam, why.dicomwebHeaders).catch(() => 'unreadable');
  return failedWithoutRun(exam, pipeline, {
    inputHash: input,
    error: { message: why.message, category: why.category, ...(why.hint ? { hint: why.hint } : {}) },
    worker: why.worker,
  });
}
