/**
 * Whether an exam runs again: the resumability rule, as a pure function.
 *   no result                          run (partial when a marker says it had started)
 *   ok, same three hashes              skip
 *   failed for good (bad input), same  skip; `retryFailed` runs it again
 *   failed otherwise (runtime, I/O)    run again
 *   any hash differs                   run again, saying which
 */
import type { ExamResult } from './exam-result.js';

export interface ExamHashes {
  input: string;
  model: string;
  pipeline: string;
}

export type ResumeDecision =
  | { action: 'skip'; result: ExamResult }
  | { action: 'run'; reason: 'new' | 'partial' | 'input changed' | 'model changed' | 'pipeline changed' | 'retry failed' };

export function decideResume(existing: ExamResult | undefined, hashes: ExamHashes, opts: { partial: boolean; retryFailed?: boolean }): ResumeDecision {
  if (!existing) return { action: 'run', reason: opts.partial ? 'partial' : 'new' };
  if (existing.hashes.input !== hashes.input) return { action: 'run', reason: 'input changed' };
  if (existing.hashes.model !== hashes.model) return { action: 'run', reason: 'model changed' };
  if (existing.hashes.pipeline !== hashes.pipeline) return { action: 'run', reason: 'pipeline changed' };
  if (existing.status === 'ok') return { action: 'skip', result: existing };
  const final = existing.error?.category === 'input' || existing.error?.category === 'config';
  if (final && !opts.retryFailed) return { action: 'skip', result: existing };
  return { action: 'run', reason: 'retry failed' };
}
