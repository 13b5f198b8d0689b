/**
 * The result of an exam that failed without running to an end (its input could not be
 * listed, its own process died, the queue gave up on it): no frames, no visits, the
 * reason in `error`. One shape for every such case, so the run table and resume read
 * them alike.
 */
import { DISCLAIMER } from '../core/events.js';
import { describeExam, type ExamInput } from './exam-input.js';
import { RESULT_VERSION, type ExamResult } from './exam-result.js';
import type { PreparedPipeline } from './prepare.js';

export function failedWithoutRun(
  exam: ExamInput,
  pipeline: PreparedPipeline,
  o: { inputHash: string; error: NonNullable<ExamResult['error']>; worker?: ExamResult['worker'] },
): ExamResult {
  const now = new Date().toISOString();
  return {
    version: RESULT_VERSION,
    key: exam.key,
    status: 'failed',
    input: { uri: describeExam(exam), kind: exam.kind, source: exam.kind === 'dicomweb' ? 'dicomweb' : 'file' },
    hashes: { input: o.inputHash, model: pipeline.modelHash, pipeline: pipeline.pipelineHash },
    models: pipeline.models,
    examIds: [],
    frames: 0,
    predictions: 0,
    mediaDurationMs: 0,
    visits: [],
    warnings: { count: 0, first: [] },
    timing: { startedAt: now, finishedAt: now, wallMs: 0, framesPerSecond: 0 },
    error: o.error,
    ...(o.worker ? { worker: o.worker } : {}),
    disclaimer: DISCLAIMER,
  };
}
