/**
 * Per-visit pClosed traces from recorded predictions (scripts/record-predictions.ts),
 * replayed through the compressibility reducer, against the phantom truth. For studying
 * why a visit got its verdict: the raw pClosed and its level while the landmark was held,
 * and summary numbers (longest run of the level at or above several thresholds).
 *
 *   node --import tsx scripts/verdict-traces.ts PRED.ndjson [--all] [--stats] [key=value ...]
 *
 * Default: traces of visits whose verdict disagrees with the truth. --all: every visit.
 * --stats: one line per visit (no trace), for every visit.
 */
import { createCompressibility } from '../src/stages/compressibility/reducer.js';
import type { VerdictEvent } from '../src/core/events.js';
import { loadRecording, paramsFromArgs } from './replay-verdicts.js';

const file = process.argv[2]!;
const all = process.argv.includes('--all');
const statsOnly = process.argv.includes('--stats');
const params = paramsFromArgs(process.argv.slice(3));
const LEVELS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const glyph = (x: number) => (x >= 0.95 ? '#' : x >= 0.9 ? '9' : String(Math.floor(x * 10)));

interface Frame {
  t: number;
  p: number;
  level: number;
  vein: string;
  held: boolean;
}

const exams = loadRecording(file);
exams.forEach((exam, ei) => {
  const c = createCompressibility(params);
  let state = c.initial;
  const frames: Frame[] = [];
  const verdicts: VerdictEvent[] = [];
  for (const e of exam.events) {
    const [next, out] = c.reduce(state, e);
    state = next;
    if (e.kind === 'prediction') {
      const track = state.exams[e.examId];
      const st = out.find((o) => o.kind === 'state');
      frames.push({
        t: e.ptsMs,
        p: e.pClosed ?? 0.5,
        level: track?.level ?? 0,
        vein: st && st.kind === 'state' ? st.vein : '?',
        held: st?.kind === 'state' && (st.landmark === 'LM1' || st.landmark === 'LM2'),
      });
    }
    for (const o of out) if (o.kind === 'verdict') verdicts.push(o);
  }
  for (const v of verdicts) {
    const clot = exam.truth.visits.some((t) => t.landmark === v.landmark && t.thrombus);
    const want = clot ? 'not-compressible' : 'compressible';
    const wrong = v.verdict !== want;
    const fs = frames.filter((f) => f.t >= v.startMs && f.t <= v.endMs);
    // longest run (s) of the level >= L
    const runs = LEVELS.map((L) => {
      let best = 0,
        start: number | undefined;
      for (const f of fs) {
        if (f.level >= L) {
          start ??= f.t;
          best = Math.max(best, f.t - start);
        } else start = undefined;
      }
      return best / 1000;
    });
    const rawRuns = LEVELS.map((L) => {
      let best = 0,
        start: number | undefined;
      for (const f of fs) {
        if (f.p >= L) {
          start ??= f.t;
          best = Math.max(best, f.t - start);
        } else start = undefined;
      }
      return best / 1000;
    });
    const maxLevel = Math.max(...fs.map((f) => f.level));
    const maxP = Math.max(...fs.map((f) => f.p));
    const line =
      `exam ${ei} ${v.landmark} ${clot ? 'CLOT' : 'healthy'} -> ${v.verdict}${wrong ? ' WRONG' : ''} ` +
      `held ${((v.endMs - v.startMs) / 1000).toFixed(1)}s maxLevel ${maxLevel.toFixed(3)} maxP ${maxP.toFixed(3)} ` +
      `levelRun[${LEVELS.join(',')}]=${runs.map((r) => r.toFixed(2)).join(',')} rawRun=${rawRuns.map((r) => r.toFixed(2)).join(',')}`;
    if (statsOnly) {
      console.log(line);
      continue;
    }
    if (!all && !wrong) continue;
    console.log(line);
    console.log('  raw   ' + fs.map((f) => glyph(f.p)).join(''));
    console.log('  level ' + fs.map((f) => glyph(f.level)).join(''));
    console.log('  vein  ' + fs.map((f) => (f.vein === 'closed' ? 'C' : f.vein === 'open' ? '.' : '?')).join(''));
    console.log('  held  ' + fs.map((f) => (f.held ? '-' : ' ')).join(''));
    for (const x of v.explain) console.log('    ' + x);
  }
});
