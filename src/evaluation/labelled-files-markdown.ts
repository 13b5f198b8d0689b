/**
 * The text `autodvt eval` prints for labelled files: Table 2 (one column block per model,
 * side by side), the paired bootstrap interval of the F1 difference, per-patient and
 * per-exam F1, confusion matrices and exam verdict agreement. Pure.
 */
import type { LabelledFilesEvaluation, ModelEvaluation } from './labelled-files-evaluation.js';

const COLS = ['O/C', 'LM1', 'LM2', 'BG'] as const;
const f = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
const name = (m: ModelEvaluation) => m.modelId ?? m.model;

export function labelledFilesMarkdown(e: LabelledFilesEvaluation): string {
  const lines: string[] = [
    `## Evaluation on ${e.exams} labelled exams of ${e.patients} patients (${e.windows} windows)`,
    '',
    "F1 per class on 9-frame windows labelled by their newest frame (the paper's Table 2 layout; O/C = mean F1 of open and closed).",
    '',
    '| model | O/C | LM1 | LM2 | BG | mean |',
    '| --- | --- | --- | --- | --- | --- |',
    ...e.models.map((m) => `| ${name(m)} | ${COLS.map((c) => f(m.f1[c])).join(' | ')} | ${f(m.f1.mean)} |`),
  ];
  const c = e.comparison;
  if (c) {
    lines.push(
      '',
      `### ${c.second} − ${c.first}: paired bootstrap, ${Math.round(c.confidence * 100)}% interval`,
      '',
      `${c.rounds} rounds over ${c.clusters} ${c.unit === 'patient' ? 'patients' : 'exams'} (resampled with replacement, the same draw for both models; seed ${c.seed}); ${c.pairedWindows} windows seen by both models.${c.clusters < 5 ? ` With ${c.clusters} ${c.unit}s the interval is rough.` : ''}`,
      '',
      '| | O/C | LM1 | LM2 | BG | mean |',
      '| --- | --- | --- | --- | --- | --- |',
      `| F1 difference | ${[...COLS, 'mean' as const].map((k) => signed(c.scores[k].difference)).join(' | ')} |`,
      `| ${Math.round(c.confidence * 100)}% interval | ${[...COLS, 'mean' as const].map((k) => `${signed(c.scores[k].low)} … ${signed(c.scores[k].high)}`).join(' | ')} |`,
    );
  }
  for (const m of e.models) {
    lines.push(
      '',
      `### ${name(m)}`,
      '',
      'Per patient',
      '',
      '| patient | exams | windows | O/C | LM1 | LM2 | BG |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const p of m.perPatient) lines.push(`| ${p.patient} | ${p.exams} | ${p.windows} | ${COLS.map((k) => f(p.f1[k])).join(' | ')} |`);
    const verdicts = m.perExam.some((r) => r.verdictTruth !== undefined);
    lines.push(
      '',
      'Per exam',
      '',
      `| exam | patient | windows | O/C | LM1 | LM2 | BG |${verdicts ? ' verdict | truth |' : ''}`,
      `| --- | --- | --- | --- | --- | --- | --- |${verdicts ? ' --- | --- |' : ''}`,
    );
    for (const r of m.perExam) {
      lines.push(
        `| ${r.exam} | ${r.patient} | ${r.windows} | ${COLS.map((k) => f(r.f1[k])).join(' | ')} |${verdicts ? ` ${r.verdict ?? '–'} | ${r.verdictTruth ?? '–'} |` : ''}`,
      );
    }
    if (m.verdictAgreement) lines.push('', `Exam verdicts agree with the sidecars' on ${m.verdictAgreement.agree} of ${m.verdictAgreement.withTruth} exams.`);
    const t = m.overall;
    lines.push('', 'Landmark confusion (rows: truth, columns: predicted)', '', `| | ${t.landmarkConfusion.classes.join(' | ')} |`, '| --- | --- | --- | --- |');
    t.landmarkConfusion.matrix.forEach((row, i) => lines.push(`| ${t.landmarkConfusion.classes[i]} | ${row.join(' | ')} |`));
    lines.push('', 'Open/closed confusion (rows: truth, columns: predicted)', '', `| | ${t.veinConfusion.classes.join(' | ')} |`, '| --- | --- | --- |');
    t.veinConfusion.matrix.forEach((row, i) => lines.push(`| ${t.veinConfusion.classes[i]} | ${row.join(' | ')} |`));
  }
  lines.push('', 'Research software, not a medical device.');
  return `${lines.join('\n')}\n`;
}
