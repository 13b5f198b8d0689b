/**
 * The evaluation table across a run: the confusion matrices every labelled exam
 * stored in its result, summed, then scored as the paper's Table 2. Works from
 * stored results, so a resumed run evaluates exams it did not redo.
 */
import { emptyConfusion, table2, type Table2 } from '../evaluation/classification-metrics.js';
import type { ExamResult } from './exam-result.js';

export function runEvaluation(results: ExamResult[]): (Table2 & { exams: number }) | undefined {
  const landmark = emptyConfusion(3);
  const vein = emptyConfusion(2);
  let predictions = 0;
  let exams = 0;
  for (const r of results) {
    if (r.status !== 'ok' || !r.evaluation) continue;
    exams++;
    predictions += r.evaluation.predictions;
    r.evaluation.landmark.forEach((rowv, i) => rowv.forEach((v, j) => (landmark[i]![j]! += v)));
    r.evaluation.vein.forEach((rowv, i) => rowv.forEach((v, j) => (vein[i]![j]! += v)));
  }
  return exams === 0 ? undefined : { ...table2(landmark, vein, predictions), exams };
}
