/**
 * A queued exam: everything a worker on any machine needs to run it and to put its
 * result in the shared run directory, under the same resumability rules as
 * `autodvt run --input` (results keyed by exam and hashes, written atomically).
 * Paths must be valid on the workers (a shared file system).
 */
import crypto from 'node:crypto';
import type { ExamInput } from '../batch/exam-input.js';

export interface ExamJobData {
  pipelineFile: string;
  set: string[];
  runDir: string;
  exam: ExamInput;
  /**
   * DICOMweb headers as references (`Bearer ${PACS_TOKEN}`), filled from the worker's
   * environment (header-references.ts): a job never holds a secret.
   */
  dicomwebHeaderRefs?: Record<string, string>;
}

/** The same exam of the same run is one job, however often it is enqueued (BullMQ ids may not hold ':'). */
export function examJobId(runDir: string, key: string): string {
  const run = crypto.createHash('sha256').update(runDir).digest('hex').slice(0, 12);
  return `${run}-${key}`;
}
