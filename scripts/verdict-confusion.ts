/**
 * Exam and per-landmark verdict confusion against the phantom's truth, as Markdown
 * tables, and the verdict scores (agreement, clots called compressible). Shared by
 * scripts/verdict-agreement.ts (full pipeline), scripts/replay-verdicts.ts (recorded
 * predictions replayed through the reducer) and scripts/robustness-sweep.ts.
 */
import type { ExamEvent, VerdictEvent } from '../src/core/events.js';

type LmVerdict = 'compressible' | 'not-compressible' | 'inconclusive' | 'not-examined';
const LM_CLASSES: LmVerdict[] = ['compressible', 'not-compressible', 'inconclusive', 'not-examined'];
const EXAM_CLASSES = ['2-point exam negative at the examined landmarks', 'refer for specialist ultrasound', 'incomplete'];

export interface PhantomTruth {
  visits: { landmark: 'LM1' | 'LM2'; thrombus: boolean }[];
  verdict: string;
}

export interface VerdictScore {
  /** Exams, and exams whose verdict is the truth's. */
  n: number;
  agree: number;
  agreement: number;
  /** Landmarks with a clot; of them, merged verdict not-compressible (found) and compressible (dangerous). */
  clots: number;
  clotsFound: number;
  dangerous: number;
  /** Single visit verdicts called compressible on a landmark with a clot (the merged verdict may still be not-compressible). */
  dangerousVisits: number;
  /** Landmarks without a clot called not-compressible. */
  needlessReferral: number;
}

/** Exam verdicts (and each exam's visit verdicts) scored against the phantom's truth. */
export function scoreVerdicts(exams: { result: ExamEvent | undefined; visitVerdicts: VerdictEvent[]; truth: PhantomTruth }[]): VerdictScore {
  let agree = 0;
  let dangerous = 0;
  let dangerousVisits = 0;
  let needlessReferral = 0;
  let clotsFound = 0;
  let clots = 0;
  for (const { result, visitVerdicts, truth } of exams) {
    if (result?.verdict === truth.verdict) agree++;
    // A visit called compressible on a landmark with a clot, even where another visit of that
    // landmark (not-compressible) hides it in the landmark's merged verdict.
    for (const v of visitVerdicts) if (v.verdict === 'compressible' && truth.visits.some((t) => t.landmark === v.landmark && t.thrombus)) dangerousVisits++;
    for (const lm of ['LM1', 'LM2'] as const) {
      const visits = truth.visits.filter((v) => v.landmark === lm);
      if (visits.length === 0) continue;
      const thrombus = visits.some((v) => v.thrombus);
      const got = result?.landmarks?.[lm];
      if (thrombus) {
        clots++;
        if (got === 'compressible') dangerous++;
        if (got === 'not-compressible') clotsFound++;
      } else if (got === 'not-compressible') needlessReferral++;
    }
  }
  return { agreement: agree / exams.length, agree, n: exams.length, dangerous, dangerousVisits, clots, clotsFound, needlessReferral };
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
