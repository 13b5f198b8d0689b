/** Batch runs over archived exams (docs/batch.md): the programmatic API. */
export { runBatch, summaryText } from './run-batch.js';
export type { BatchOptions, BatchSummary } from './run-batch.js';
export { listExams } from './list-exams.js';
export { readManifest, parseCsv } from './read-manifest.js';
export { preparePipeline, defaultRunDir } from './prepare.js';
export { processExam } from './process-exam.js';
export { RunDir } from './run-dir.js';
export { decideResume } from './resume.js';
export type { ExamInput, FileExamInput, DicomwebExamInput } from './exam-input.js';
export type { ExamResult } from './exam-result.js';
