/**
 * Precision, recall and F1 from a confusion matrix, laid out as the paper's Table 2:
 * O/C (the open/closed task: the macro average of the open and closed classes'
 * scores, as training/autodvt/metrics.py reports it, so a model that calls every
 * frame "open" cannot score well on a mostly-open exam), LM1, LM2 and BG (each
 * one-vs-rest of the landmark task).
 */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** matrix[truth][predicted] */
export type Confusion = number[][];

export function emptyConfusion(n: number): Confusion {
  return Array.from({ length: n }, () => Array<number>(n).fill(0));
}

export function scoresFor(matrix: Confusion, cls: number): ClassScores {
  const tp = matrix[cls]![cls]!;
  const predicted = matrix.reduce((s, row) => s + row[cls]!, 0);
  const actual = matrix[cls]!.reduce((s, v) => s + v, 0);
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: actual };
}

function macro(a: ClassScores, b: ClassScores): ClassScores {
  return {
    precision: (a.precision + b.precision) / 2,
    recall: (a.recall + b.recall) / 2,
    f1: (a.f1 + b.f1) / 2,
    support: a.support + b.support,
  };
}

export interface Table2 {
  rows: { name: 'O/C' | 'LM1' | 'LM2' | 'BG'; scores: ClassScores }[];
  landmarkConfusion: { classes: string[]; matrix: Confusion };
  veinConfusion: { classes: string[]; matrix: Confusion };
  predictions: number;
  /** Predictions that had a label for the task. */
  labelled: { landmark: number; vein: number };
}

export function table2(landmark: Confusion, vein: Confusion, predictions: number): Table2 {
  return {
    rows: [
      { name: 'O/C', scores: macro(scoresFor(vein, 0), scoresFor(vein, 1)) },
      { name: 'LM1', scores: scoresFor(landmark, 1) },
      { name: 'LM2', scores: scoresFor(landmark, 2) },
      { name: 'BG', scores: scoresFor(landmark, 0) },
    ],
    landmarkConfusion: { classes: ['BG', 'LM1', 'LM2'], matrix: landmark },
    veinConfusion: { classes: ['open', 'closed'], matrix: vein },
    predictions,
    labelled: { landmark: landmark.flat().reduce((a, b) => a + b, 0), vein: vein.flat().reduce((a, b) => a + b, 0) },
  };
}

export function table2Markdown(t: Table2, title = 'Evaluation'): string {
  const f = (x: number) => x.toFixed(3);
  const lines = [
    `## ${title}`,
    '',
    '| task | precision | recall | F1 | support |',
    '| --- | --- | --- | --- | --- |',
    ...t.rows.map((r) => `| ${r.name} | ${f(r.scores.precision)} | ${f(r.scores.recall)} | ${f(r.scores.f1)} | ${r.scores.support} |`),
    '',
    'Landmark confusion (rows: truth, columns: predicted)',
    '',
    `| | ${t.landmarkConfusion.classes.join(' | ')} |`,
    `| --- |${t.landmarkConfusion.classes.map(() => ' --- |').join('')}`,
    ...t.landmarkConfusion.matrix.map((row, i) => `| ${t.landmarkConfusion.classes[i]} | ${row.join(' | ')} |`),
    '',
    'Open/closed confusion (rows: truth, columns: predicted)',
    '',
    `| | ${t.veinConfusion.classes.join(' | ')} |`,
    '| --- | --- | --- |',
    ...t.veinConfusion.matrix.map((row, i) => `| ${t.veinConfusion.classes[i]} | ${row.join(' | ')} |`),
    '',
    `${t.predictions} predictions; ${t.labelled.landmark} with a landmark label, ${t.labelled.vein} with an open/closed label.`,
  ];
  return lines.join('\n') + '\n';
}
