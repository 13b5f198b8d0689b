/**
 * Replay recorded predictions (scripts/record-predictions.ts) through the
 * compressibility reducer with many parameter sets and score each against the
 * phantom truth: exam-verdict agreement, and the dangerous error (a visit with a clot
 * called compressible) counted apart. Pure and fast: no model runs.
 *
 *   node --import tsx scripts/replay-verdicts.ts PRED.ndjson [PRED2.ndjson ...] [--grid] [--markdown] [key=value ...]
 *
 * Several recordings are pooled (scored as one set of exams).
 * --markdown prints the exam and per-landmark verdict confusion for the given (or default)
 * parameters, and the visit verdicts counted by the reason that decided them.
 *
 * `dangerous` counts landmarks with a clot whose merged verdict is compressible;
 * `dangerousVisits` counts single visits called compressible on a landmark with a clot (the
 * landmark's merged verdict may still be not-compressible, from another visit).
 */
import fs from 'node:fs';
import { compressibilitySchema, type CompressibilityParams } from '../src/stages/compressibility/params.js';
import { createCompressibility } from '../src/stages/compressibility/reducer.js';
import type { ExamEvent, PipelineEvent, VerdictEvent } from '../src/core/events.js';
import { scoreVerdicts, verdictConfusion, type VerdictScore } from './verdict-confusion.js';

interface Truth {
  visits: { landmark: 'LM1' | 'LM2'; thrombus: boolean }[];
  verdict: string;
}
interface RecordedExam {
  events: PipelineEvent[];
  truth: Truth;
}

export function loadRecording(file: string): RecordedExam[] {
  const exams: RecordedExam[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.kind === 'exam-start') {
      const { truth, ...start } = e;
      exams.push({ events: [start], truth });
    } else exams.at(-1)!.events.push(e);
  }
  return exams;
}

/** The exam event the reducer gives for one recorded exam (and, with `verdicts`, every visit verdict). */
function replayExam(exam: RecordedExam, params: CompressibilityParams, verdicts?: VerdictEvent[]): ExamEvent | undefined {
  const c = createCompressibility(params);
  let state = c.initial;
  let result: ExamEvent | undefined;
  for (const e of exam.events) {
    const [next, out] = c.reduce(state, e);
    state = next;
    for (const o of out) {
      if (o.kind === 'exam') result = o;
      else if (o.kind === 'verdict') verdicts?.push(o);
    }
  }
  return result;
}

/**
 * Why visits ended as they did, against the truth: counts of (truth, verdict, the verdict's
 * reason with its numbers taken out). For tuning: which rule costs what.
 */
function reasonTable(exams: RecordedExam[], params: CompressibilityParams): string {
  const counts = new Map<string, number>();
  for (const exam of exams) {
    const verdicts: VerdictEvent[] = [];
    replayExam(exam, params, verdicts);
    for (const v of verdicts) {
      const clot = exam.truth.visits.some((t) => t.landmark === v.landmark && t.thrombus);
      const reason = (v.explain.at(-1) ?? '').replace(/^verdict [a-z-]+: /, '').replace(/[0-9]+(\.[0-9]+)?/g, '#');
      const key = `${clot ? 'clot' : 'healthy'} | ${v.verdict} | ${reason}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return ['| truth | visit verdict | reason (numbers as #) | visits |', '| --- | --- | --- | --- |']
    .concat([...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `| ${k} | ${n} |`))
    .join('\n');
}

export function score(exams: RecordedExam[], params: CompressibilityParams): VerdictScore {
  return scoreVerdicts(
    exams.map((exam) => {
      const visitVerdicts: VerdictEvent[] = [];
      const result = replayExam(exam, params, visitVerdicts);
      return { result, visitVerdicts, truth: exam.truth };
    }),
  );
}

/** The `key=value` command-line arguments as an object (numbers where they parse). */
function fixedArgs(args: string[]): Record<string, string | number | boolean> {
  return Object.fromEntries(
    args
      .filter((a) => a.includes('='))
      .map((a) => {
        const [k, v] = a.split('=') as [string, string];
        return [k, v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v)];
      }),
  );
}

/** Compressibility parameters from `key=value` command-line arguments (the rest at their defaults). */
export function paramsFromArgs(args: string[]): CompressibilityParams {
  return compressibilitySchema.parse(fixedArgs(args));
}

/** The recordings named on the command line: every argument that is not an option or key=value. */
export function recordingArgs(args: string[]): string[] {
  return args.filter((a) => !a.startsWith('--') && !a.includes('='));
}

const files = recordingArgs(process.argv.slice(2));
if (files.length > 0 && import.meta.url === `file://${process.argv[1]}`) {
  const exams = files.flatMap((f) => loadRecording(f));
  const fixed = fixedArgs(process.argv.slice(2));
  const base = paramsFromArgs(process.argv.slice(2));
  const label = Object.keys(fixed).length > 0 ? `with ${JSON.stringify(fixed)}:` : 'defaults:';
  console.log(label, JSON.stringify(score(exams, base)));
  if (process.argv.includes('--markdown')) {
    console.log(verdictConfusion(exams.map((e) => ({ result: replayExam(e, base), truth: e.truth }))).markdown);
    console.log('\nVisit verdicts by reason (a landmark visited twice counts twice):\n');
    console.log(reasonTable(exams, base));
  }
  if (process.argv.includes('--grid')) {
    const rows = [];
    // The first grid (session 1: 432 sets over minCycles, cycleDelta and finer bands) settled
    // minCycles 2 and cycleDelta 0.2; the second added the closure level a compressible visit
    // needs; this one adds the two-level rule and its hold level (800 sets).
    const holds = [
      { closedLevelHold: 'peak' as const },
      { closedLevelHold: 'sustained' as const },
      ...[0.6, 0.7, 0.8].map((closedHoldLevel) => ({ closedLevelHold: 'two-level' as const, closedHoldLevel })),
    ];
    for (const minClosedS of [0.3, 0.6, 1.0, 1.5])
      for (const uncertainBand of [0.15, 0.25])
        for (const maxUncertainFraction of [0.7, 0.9])
          for (const notCompressibleAfterS of [3, 5])
            for (const closedLevel of [0.75, 0.85, 0.9, 0.95, 0.98])
              for (const hold of holds) {
                const grid = { minClosedS, uncertainBand, maxUncertainFraction, notCompressibleAfterS, closedLevel, ...hold };
                const parsed = compressibilitySchema.safeParse({ ...fixed, ...grid });
                if (!parsed.success) continue;
                rows.push({ params: grid, ...score(exams, parsed.data) });
              }
    rows.sort(
      (a, b) => a.dangerous - b.dangerous || a.dangerousVisits - b.dangerousVisits || b.agreement - a.agreement || a.needlessReferral - b.needlessReferral,
    );
    console.log('fewest clots called compressible, then agreement:');
    for (const r of rows.slice(0, 8)) console.log(JSON.stringify(r));
    console.log('Pareto front (best agreement for each count of clots called compressible):');
    const front = new Map<number, (typeof rows)[number]>();
    for (const r of rows) if (!front.has(r.dangerous) || front.get(r.dangerous)!.agreement < r.agreement) front.set(r.dangerous, r);
    let best = -1;
    for (const [, r] of [...front.entries()].sort((a, b) => a[0] - b[0]))
      if (r.agreement > best) {
        best = r.agreement;
        console.log(JSON.stringify(r));
      }
    console.log('best agreement:');
    for (const r of [...rows].sort((a, b) => b.agreement - a.agreement || a.dangerous - b.dangerous).slice(0, 8)) console.log(JSON.stringify(r));
  }
}
