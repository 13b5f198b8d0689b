/**
 * Exam and per-landmark verdict confusion against the phantom's truth, as Markdown
 * tables. Shared by scripts/verdict-agreement.ts (full pipeline) and
 * scripts/replay-verdicts.ts (recorded predictions replayed through the reducer).
 */
import type { ExamEvent } from '../src/events.js';

type LmVerdict = 'compressible' | 'not-compressible' | 'inconclusive' | 'not-examined';
const LM_CLASSES: LmVerdict[] = ['compressible', 'not-compressible', 'inconclusive', 'not-examined'];
const EXAM_CLASSES = ['2-point exam negative at the examined landmarks', 'refer for specialist ultrasound', 'incomplete'];

export interface PhantomTruth {
  visits: { landmark: 'LM1' | 'LM2'; thrombus: boolean }[];
  verdict: string;
}

export function verdictConfusion(pairs: { result: ExamEvent | undefined; truth: PhantomTruth }[]): { agree: number; markdown: string } {
  const lmConfusion = new Map<string, number>();
  const examConfusion = new Map<string, number>();
  const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  let agree = 0;
  for (const { result, truth } of pairs) {
    const verdict = result?.verdict ?? 'no exam verdict';
    if (verdict === truth.verdict) agree++;
    add(examConfusion, `${truth.verdict}|${verdict}`);
    for (const lm of ['LM1', 'LM2'] as const) {
      const visits = truth.visits.filter((v) => v.landmark === lm);
      const t: LmVerdict = visits.length === 0 ? 'not-examined' : visits.some((v) => v.thrombus) ? 'not-compressible' : 'compressible';
      add(lmConfusion, `${t}|${(result?.landmarks?.[lm] ?? 'not-examined') as LmVerdict}`);
    }
  }
  const table = (classes: string[], m: Map<string, number>) => [
    `| truth \\ pipeline | ${classes.join(' | ')} |`,
    `| --- |${classes.map(() => ' --- |').join('')}`,
    ...classes.map((t) => `| ${t} | ${classes.map((p) => m.get(`${t}|${p}`) ?? 0).join(' | ')} |`),
  ];
  const markdown = [
    `Agreement: ${agree}/${pairs.length} = ${((100 * agree) / Math.max(1, pairs.length)).toFixed(1)}%`,
    '',
    ...table(EXAM_CLASSES, examConfusion),
    '',
    'Per landmark (two per exam):',
    '',
    ...table(LM_CLASSES, lmConfusion),
  ].join('\n');
  return { agree, markdown };
}
