/** Scale-out over Redis with BullMQ (docs/batch.md): enqueue exams, run workers anywhere. */
export { enqueueExams } from './enqueue.js';
export type { EnqueueOptions } from './enqueue.js';
export { runWorker } from './worker.js';
export type { WorkerOptions, WorkerSummary } from './worker.js';
export { examJobId } from './exam-job.js';
export type { ExamJobData } from './exam-job.js';
export { DEFAULT_QUEUE, DEFAULT_REDIS_URL } from './redis-connection.js';
