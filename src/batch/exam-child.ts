/**
 * The child process side of an isolated exam (run-exam-isolated.ts): receives one
 * job over IPC, runs the exam with `runExam` (its own model session, no shared
 * inference), reports frames as they pass (for progress) and the outcome, then exits.
 * SIGTERM or the parent going away stops it.
 */
import { systemClock } from '../core/context.js';
import { runExam, type RunExamOptions } from './run-exam.js';
import type { ExamInput } from './exam-input.js';

export interface ExamChildJob {
  exam: ExamInput;
  options: Omit<RunExamOptions, 'signal' | 'clock' | 'onEvent' | 'inference'>;
}

export type ExamChildMessage = { type: 'frames'; count: number } | { type: 'outcome'; outcome: Awaited<ReturnType<typeof runExam>> };

const FRAME_REPORT_MS = 250;

if (process.send) {
  const abort = new AbortController();
  process.on('SIGTERM', () => abort.abort());
  process.on('SIGINT', () => {}); // the parent decides: a Ctrl-C in the terminal reaches both
  process.on('disconnect', () => process.exit(1));
  process.once('message', (job: ExamChildJob) => {
    let frames = 0;
    // This process is the composition root: its clock is the system's.
    const stopReports = systemClock.every(FRAME_REPORT_MS, () => flush());
    const flush = () => {
      if (frames > 0) process.send!({ type: 'frames', count: frames } satisfies ExamChildMessage);
      frames = 0;
    };
    void runExam(job.exam, {
      ...job.options,
      sharedInference: false,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.kind === 'frame') frames++;
      },
    }).then((outcome) => {
      stopReports();
      flush();
      process.send!({ type: 'outcome', outcome } satisfies ExamChildMessage, () => process.disconnect());
    });
  });
}
