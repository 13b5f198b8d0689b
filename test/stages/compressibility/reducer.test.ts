import { describe, expect, it } from 'vitest';
import type { PipelineEvent, WarningEvent } from '../../../src/core/events.js';
import { DISCLAIMER } from '../../../src/core/events.js';
import type { Segment } from './prediction-stream.js';
import { exam, prediction, predictionStream, landmarkProbabilities } from './prediction-stream.js';
import { exams, machine, runReducer, states, verdicts } from './run-reducer.js';
import { PARTIAL } from './scenario.js';

const approach: Segment = { durationS: 1, landmark: 'BG', pClosed: 0.1 };
const leave: Segment = { durationS: 2, landmark: 'BG', pClosed: 0.1 };
const compressibleVisit = (landmark: 'LM1' | 'LM2'): Segment[] => [
  { durationS: 1, landmark, pClosed: 0.1 },
  { durationS: 0.8, landmark, pClosed: 0.9 },
  { durationS: 1, landmark, pClosed: 0.1 },
];
const thrombusVisit = (landmark: 'LM1' | 'LM2', durationS = 7): Segment[] => [{ durationS, landmark, pClosed: 0.05 }];

const runExam = (segments: Segment[], fps = 15, noise = 0.08) => runReducer(machine(), exam(predictionStream(segments, { fps, noise, seed: 7 }))).outputs;

describe('compressibility reducer', () => {
  it('calls a visit compressible once the vein stays closed while the landmark is held', () => {
    const out = runExam([approach, ...compressibleVisit('LM1'), leave]);
    const [v] = verdicts(out);
    expect(v).toMatchObject({ landmark: 'LM1', verdict: 'compressible', disclaimer: DISCLAIMER });
    expect(v!.evidence.framesClosed).toBeGreaterThan(0);
    expect(v!.explain.at(-1)).toMatch(/^verdict compressible/);
    expect(v!.startMs).toBeGreaterThanOrEqual(1000);
    expect(v!.endMs).toBeLessThanOrEqual(3800 + 400);
  });

  it('calls a thrombus visit held long enough not compressible', () => {
    const out = runExam([approach, ...thrombusVisit('LM2'), leave]);
    expect(verdicts(out).map((v) => v.verdict)).toEqual(['not-compressible']);
    expect(verdicts(out)[0]!.explain.at(-1)).toMatch(/never closed/);
  });

  it('calls a visit with compression cycles but no closure not compressible even when short', () => {
    const press: Segment[] = [
      { durationS: 0.8, landmark: 'LM1', pClosed: PARTIAL },
      { durationS: 0.8, landmark: 'LM1', pClosed: 0.05 },
    ];
    const out = runExam([approach, { durationS: 0.8, landmark: 'LM1', pClosed: 0.05 }, ...press, ...press, leave]);
    const [v] = verdicts(out);
    expect(v).toMatchObject({ verdict: 'not-compressible' });
    expect(v!.evidence.compressionCycles).toBe(2);
  });

  it('calls a short visit without closure inconclusive', () => {
    const out = runExam([approach, { durationS: 2, landmark: 'LM1', pClosed: 0.05 }, leave]);
    expect(verdicts(out).map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(verdicts(out)[0]!.explain.at(-1)).toMatch(/too short/);
  });

  it('calls a visit whose vein reading hovers around 0.5 inconclusive (too noisy)', () => {
    const out = runExam([approach, { durationS: 7, landmark: 'LM1', pClosed: 0.5 }, leave], 15, 0.05);
    expect(verdicts(out).map((v) => v.verdict)).toEqual(['inconclusive']);
    expect(verdicts(out)[0]!.explain.at(-1)).toMatch(/too noisy/);
  });

  it('does not start a visit for a landmark seen more briefly than minVisitS', () => {
    const out = runExam([approach, { durationS: 0.35, landmark: 'LM1', pClosed: 0.9 }, leave]);
    expect(verdicts(out)).toEqual([]);
    expect(exams(out)[0]!.landmarks).toEqual({ LM1: 'not-examined', LM2: 'not-examined' });
  });

  it('keeps one visit when the landmark is lost for less than graceS', () => {
    const out = runExam([approach, ...thrombusVisit('LM1', 3), { durationS: 0.5, landmark: 'BG', pClosed: 0.05 }, ...thrombusVisit('LM1', 3), leave]);
    const vs = verdicts(out);
    expect(vs).toHaveLength(1);
    expect(vs[0]!.verdict).toBe('not-compressible');
    expect(vs[0]!.explain.some((e) => /back after/.test(e))).toBe(true);
  });

  it('ends a visit when another landmark’s visit starts', () => {
    const out = runExam([approach, ...compressibleVisit('LM1'), ...compressibleVisit('LM2'), leave]);
    expect(verdicts(out).map((v) => `${v.landmark}:${v.verdict}`)).toEqual(['LM1:compressible', 'LM2:compressible']);
    expect(verdicts(out)[0]!.explain.some((e) => /LM2 visit starts: visit ends/.test(e))).toBe(true);
  });

  it('ends a visit when no frame came for longer than graceS', () => {
    const before = predictionStream([approach, ...compressibleVisit('LM1')], { fps: 15 });
    const after = predictionStream([...compressibleVisit('LM1')], { fps: 15, startMs: 10_000, startSeq: 1000 });
    const out = runReducer(machine(), exam([...before, ...after])).outputs;
    expect(verdicts(out).map((v) => v.verdict)).toEqual(['compressible', 'compressible']);
    expect(verdicts(out)[0]!.explain.join('\n')).toMatch(/no frames for/);
  });

  it.each([
    {
      exam: 'LM1 and LM2 compressible',
      segments: [...compressibleVisit('LM1'), leave, ...compressibleVisit('LM2')],
      expected: '2-point exam negative at the examined landmarks',
    },
    { exam: 'LM2 not compressible', segments: [...compressibleVisit('LM1'), leave, ...thrombusVisit('LM2')], expected: 'refer for specialist ultrasound' },
    { exam: 'LM1 not compressible, LM2 not examined', segments: [...thrombusVisit('LM1'), leave], expected: 'refer for specialist ultrasound' },
    { exam: 'LM2 not examined', segments: [...compressibleVisit('LM1'), leave], expected: 'incomplete' },
    {
      exam: 'LM1 only inconclusive',
      segments: [{ durationS: 2, landmark: 'LM1', pClosed: 0.05 } as Segment, leave, ...compressibleVisit('LM2')],
      expected: 'incomplete',
    },
    { exam: 'no landmark seen', segments: [leave], expected: 'incomplete' },
  ])('says "$expected" when $exam', ({ segments, expected }) => {
    const out = runExam([approach, ...segments]);
    const [e] = exams(out);
    expect(e).toMatchObject({ verdict: expected, disclaimer: DISCLAIMER });
    expect(out.at(-1)).toBe(e);
  });

  it('emits the verdict of a visit still open at the exam end before the exam event', () => {
    const out = runExam([approach, ...compressibleVisit('LM1')]);
    const kinds = out.slice(-2).map((e) => e.kind);
    expect(kinds).toEqual(['verdict', 'exam']);
    expect(verdicts(out)[0]!.explain.join('\n')).toMatch(/exam ended/);
  });

  it('emits one state event per prediction, right after it, with a reason only when something changed', () => {
    const preds = predictionStream([approach, ...compressibleVisit('LM1'), leave], { fps: 15, noise: 0.05 });
    const out = runReducer(machine(), preds).outputs;
    expect(states(out)).toHaveLength(preds.length);
    out.forEach((e, i) => {
      if (e.kind === 'prediction') expect(out[i + 1]).toMatchObject({ kind: 'state', seq: e.seq, ptsMs: e.ptsMs });
    });
    const changes = states(out).filter((s, i, all) => i > 0 && (s.landmark !== all[i - 1]!.landmark || s.vein !== all[i - 1]!.vein));
    for (const s of changes) expect(s.reason).toBeTruthy();
    expect(states(out).filter((s) => s.reason).length).toBeLessThan(20);
  });

  it('reports the vein as unknown until a state has held for commitS', () => {
    const out = runReducer(machine(), [prediction(0, 0, landmarkProbabilities('LM1', 0.9), 0.9)]).outputs;
    expect(states(out)[0]).toMatchObject({ vein: 'unknown', landmark: 'BG' });
  });

  it('keeps interleaved exams apart', () => {
    const a = predictionStream([approach, ...compressibleVisit('LM1')], { fps: 15, examId: 'a' });
    const b = predictionStream([approach, ...thrombusVisit('LM1')], { fps: 15, examId: 'b' });
    const mixed: PipelineEvent[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) mixed.push(...[a[i], b[i]].filter((e) => e !== undefined));
    const out = runReducer(machine(), [...exam([], 'a').slice(0, 1), ...mixed, exam(a, 'a').at(-1)!, exam(b, 'b').at(-1)!]).outputs;
    expect(verdicts(out).map((v) => `${v.examId}:${v.verdict}`)).toEqual(['a:compressible', 'b:not-compressible']);
  });

  it('forgets an exam on exam-start', () => {
    const m = machine();
    const first = runReducer(m, [...predictionStream([approach, ...compressibleVisit('LM1')], { fps: 15 })]);
    const [restarted] = m.reduce(first.state, exam([]).at(0)!);
    expect(restarted.exams['exam-1']!.visit).toBeUndefined();
    expect(m.examVerdictNow(restarted, 'exam-1').landmarks).toEqual({ LM1: 'not-examined', LM2: 'not-examined' });
  });

  it('gives a provisional exam verdict on demand while a visit is open (live mode)', () => {
    const m = machine();
    const { state } = runReducer(m, predictionStream([approach, ...compressibleVisit('LM1')], { fps: 15 }));
    expect(m.examVerdictNow(state, 'exam-1')).toEqual({
      verdict: 'incomplete',
      landmarks: { LM1: 'compressible', LM2: 'not-examined' },
      provisional: true,
      disclaimer: DISCLAIMER,
    });
    expect(m.examVerdictNow(state, 'unknown-exam').provisional).toBe(false);
  });

  it('enriches an exam event even when the exam had no predictions', () => {
    const out = runReducer(machine(), [{ kind: 'exam', examId: 'x', uri: 'u', frames: 0, durationMs: 0 }]).outputs;
    expect(out).toEqual([
      {
        kind: 'exam',
        examId: 'x',
        uri: 'u',
        frames: 0,
        durationMs: 0,
        verdict: 'incomplete',
        landmarks: { LM1: 'not-examined', LM2: 'not-examined' },
        disclaimer: DISCLAIMER,
      },
    ]);
  });

  it('survives NaN and out-of-range probabilities and time going backwards', () => {
    const bad = [
      prediction(0, 0, { BG: Number.NaN, LM1: 2, LM2: -1 }, Number.NaN),
      prediction(1, 100, landmarkProbabilities('LM1', 0.9), Infinity),
      prediction(2, 50, landmarkProbabilities('LM1', 0.9), -Infinity),
    ];
    const out = runReducer(machine(), bad).outputs;
    for (const s of states(out)) {
      expect(Number.isFinite(s.smoothed.pClosed)).toBe(true);
      expect(Object.values(s.smoothed.landmark).every(Number.isFinite)).toBe(true);
    }
  });

  it('passes a warning through as the very same object', () => {
    const w: WarningEvent = { kind: 'warning', atMs: 1, scope: 'stage:x', message: 'm' };
    expect(runReducer(machine(), [w]).outputs[0]).toBe(w);
  });
});
