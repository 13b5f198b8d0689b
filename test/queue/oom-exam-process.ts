/**
 * A stand-in for the isolated exam process (src/queue/exam-process-main.ts): exams
 * whose key starts with `poison` exhaust the process's heap for real (V8 aborts with
 * "heap out of memory", as a decoder fed a huge declared size did); every other exam
 * runs as usual. Each poison try appends a line to $AUTODVT_TEST_POISON_LOG.
 */
import fs from 'node:fs';
import { runExamProcess, serveExamProcess } from '../../src/queue/exam-process.js';

serveExamProcess(async (req, onStart) => {
  if (req.data.exam.key.startsWith('poison')) {
    if (process.env.AUTODVT_TEST_POISON_LOG) fs.appendFileSync(process.env.AUTODVT_TEST_POISON_LOG, `${process.pid}\n`);
    const hog: number[][] = [];
    for (;;) hog.push(new Array(1 << 20).fill(0.5));
  }
  return runExamProcess(req, onStart);
});
