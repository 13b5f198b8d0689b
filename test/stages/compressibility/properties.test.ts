import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LandmarkProbabilities, PipelineEvent, PredictionEvent, StateEvent } from '../../../src/core/events.js';
import { compressibilitySchema } from '../../../src/stages/compressibility/params.js';
import type { CompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { createCompressibility } from '../../../src/stages/compressibility/reducer.js';
import type { Segment } from './prediction-stream.js';
import { duplicateFrames, exam, prediction, predictionStream } from './prediction-stream.js';
import { GENERIC_TUNING, machine, runReducer, states, verdicts, verdictSummary, exams } from './run-reducer.js';
import { examPlan, examSegments, expectedVerdict } from './scenario.js';

const smoothers = ['hmm', 'ema', 'hysteresis'] as const;
const _SPIKE_OVERRIDE = {};
const fpsArb = fc.constantFrom(10, 12.5, 15, 24, 25, 30);
const probability = fc.double({ min: 0, max: 1, noNaN: true });
const landmarkProbs: fc.Arbitrary<LandmarkProbabilities> = fc.record({ BG: probability, LM1: probability, LM2: probability });

/** Any valid parameter set the schema accepts (with the cross-field rules honoured). */
const paramsArb: fc.Arbitrary<CompressibilityParams> = fc
  .record({
    smoother: fc.constantFrom(...smoothers),
    landmarkDwellS: fc.double({ min: 0.1, max: 10, noNaN: true }),
    veinDwellS: fc.double({ min: 0.1, max: 10, noNaN: true }),
    evidenceS: fc.double({ min: 0.01, max: 2, noNaN: true }),
    emaS: fc.double({ min: 0.01, max: 2, noNaN: true }),
    enter: fc.double({ min: 0.5, max: 1, noNaN: true }),
    exitGap: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
    commitS: fc.double({ min: 0.01, max: 1, noNaN: true }),
    minVisitS: fc.double({ min: 0, max: 2, noNaN: true }),
    graceS: fc.double({ min: 0, max: 3, noNaN: true }),
    minClosedS: fc.double({ min: 0, max: 2, noNaN: true }),
    notCompressibleAfterS: fc.double({ min: 0.5, max: 10, noNaN: true }),
    minCycles: fc.integer({ min: 1, max: 5 }),
    closedLevelHold: fc.constantFrom('peak' as const, 'sustained' as const, 'two-level' as const),
    closedLevel: fc.double({ min: 0.5, max: 1, noNaN: true }),
    holdFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    unclearClosure: fc.constantFrom('inconclusive' as const, 'not-closed' as const),
  })
  .map(({ exitGap, holdFraction, ...p }) =>
    compressibilitySchema.parse({
      ...GENERIC_TUNING,
      ...p,
      exit: Math.max(0, p.enter - exitGap),
      // closedHoldLevel anywhere in 0.5..closedLevel
      closedHoldLevel: 0.5 + holdFraction * (p.closedLevel - 0.5),
    }),
  );

/** A stream of arbitrary predictions with sane, increasing timestamps. */
const predictionsArb = (pClosed: fc.Arbitrary<number> = probability) =>
  fc
    .tuple(
      fpsArb,
      fc.array(fc.record({ landmark: landmarkProbs, pClosed, gapFrames: fc.constantFrom(1, 1, 1, 1, 2, 30) }), {
        maxLength: 300,
      }),
    )
    .map(([fps, frames]) => {
      let t = 0;
      return frames.map((f, i) => prediction(i, (t += (f.gapFrames * 1000) / fps), f.landmark, f.pClosed));
    });

const runPlan = (segments: Segment[], params: Partial<CompressibilityParams>, fps: number, seed: number, double = false) => {
  // Noise of 0.07 keeps a partial press (0.33) out of the uncertain band (level within 0.1 of 0.5).
  const preds = predictionStream(segments, { fps, noise: 0.07, seed });
  return runReducer(machine(params), exam(double ? duplicateFrames(preds) : preds)).outputs;
};

describe('compressibility properties', () => {
  it.each(smoothers)('with %s, every planned visit gets the verdict its plan implies, at any frame rate', (smoother) => {
    fc.assert(
      fc.property(examPlan, fpsArb, fc.integer(), (plan, fps, seed) => {
        const out = runPlan(examSegments(plan), { smoother }, fps, seed);
        const expected = plan.visits
          .map((v) => v.visit)
          .flatMap((v) => {
            const verdict = expectedVerdict(v);
            return verdict ? [`${v.landmark}:${verdict}`] : [];
          });
        expect(verdictSummary(out)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it.each(smoothers)('with %s, duplicating every frame (double frame rate, same time span) does not change any verdict', (smoother) => {
    fc.assert(
      fc.property(examPlan, fpsArb, fc.integer(), (plan, fps, seed) => {
        const once = runPlan(examSegments(plan), { smoother }, fps, seed);
        const twice = runPlan(examSegments(plan), { smoother }, fps, seed, true);
        expect(verdictSummary(twice)).toEqual(verdictSummary(once));
        expect(exams(twice)[0]!.verdict).toBe(exams(once)[0]!.verdict);
      }),
      { numRuns: 60 },
    );
  });

  it.each(smoothers)('with %s, a single-frame spike never changes the reported landmark or vein state', (smoother) => {
    const steady = fc.record({
      durationS: fc.double({ min: 2, max: 4, noNaN: true }),
      landmark: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
      pClosed: fc.constantFrom(0.05, 0.95),
    });
    fc.assert(
      fc.property(
        fc.array(steady, { minLength: 1, maxLength: 4 }),
        fpsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.record({ landmark: landmarkProbs, pClosed: probability }),
        fc.integer(),
        (segments, fps, where, spike, seed) => {
          const preds = predictionStream(segments, { fps, noise: 0.05, seed });
          // The spike lands at least 1 s away from any change of segment, where the state has settled.
          let endMs = 0;
          const segmentsMs = segments.map((s) => [endMs, (endMs += s.durationS * 1000)] as const);
          const settled = preds.filter((p) => segmentsMs.some(([a, b]) => p.ptsMs >= a + 1000 && p.ptsMs <= b - 1000));
          fc.pre(settled.length > 0);
          const target = settled[Math.floor(where * (settled.length - 1))]!;
          const spiked = preds.map((p) => (p === target ? { ...p, landmark: spike.landmark, pClosed: spike.pClosed } : p));
          const m = machine({ smoother });
          const run = (events: PipelineEvent[]) => states(runReducer(m, events).outputs);
          const [withSpike, without] = [run(spiked), run(preds)];
          const landmarks = (ss: StateEvent[]) => ss.map((s) => s.landmark);
          const veins = (ss: StateEvent[]) => ss.map((s) => s.vein);
          // Until its segment ends the state is exactly the same; after, a real change may come a frame
          // sooner or later (the spike's tiny residue), but the spike adds no change of its own.
          const segmentEnd = segmentsMs.find(([a, b]) => target.ptsMs >= a && target.ptsMs <= b)![1];
          const untilEnd = preds.filter((p) => p.ptsMs < segmentEnd).length;
          const changes = (labels: string[]) => labels.filter((l, i) => i === 0 || l !== labels[i - 1]);
          for (const signal of [landmarks, veins]) {
            expect(signal(withSpike).slice(0, untilEnd)).toEqual(signal(without).slice(0, untilEnd));
            expect(changes(signal(withSpike))).toEqual(changes(signal(without)));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a visit whose pClosed always stays below 0.5 is never compressible, whatever the parameters', () => {
    fc.assert(
      fc.property(paramsArb, predictionsArb(fc.double({ min: 0, max: 0.4999, noNaN: true })), (params, preds) => {
        const out = runReducer(createCompressibility(params), exam(preds)).outputs;
        expect(verdicts(out).filter((v) => v.verdict === 'compressible')).toEqual([]);
        expect(exams(out)[0]!.verdict).not.toBe('2-point exam negative at the examined landmarks');
      }),
      { numRuns: 200 },
    );
  });

  it('is causal: the outputs for a prefix of a stream are a prefix of the outputs for the whole stream', () => {
    fc.assert(
      fc.property(paramsArb, predictionsArb(), fc.double({ min: 0, max: 1, noNaN: true }), (params, preds, cut) => {
        const m = createCompressibility(params);
        const whole = runReducer(m, exam(preds)).outputs;
        const prefix = exam(preds).slice(0, Math.floor(cut * (preds.length + 1)));
        const part = runReducer(m, prefix).outputs;
        expect(whole.slice(0, part.length)).toEqual(part);
        expect(verdicts(whole).slice(0, verdicts(part).length)).toEqual(verdicts(part));
      }),
      { numRuns: 150 },
    );
  });

  it('is causal: no future frame changes a verdict already emitted', () => {
    fc.assert(
      fc.property(paramsArb, predictionsArb(), predictionsArb(), (params, head, tail) => {
        const m = createCompressibility(params);
        const last = head.at(-1)?.ptsMs ?? 0;
        const future = tail.map((p, i) => ({ ...p, seq: head.length + i, ptsMs: last + p.ptsMs }));
        const emitted = verdicts(runReducer(m, head).outputs);
        const later = verdicts(runReducer(m, exam([...head, ...future])).outputs);
        expect(later.slice(0, emitted.length)).toEqual(emitted);
      }),
      { numRuns: 150 },
    );
  });

  it('passes every event that is not a prediction or exam through unchanged (same object) and in order', () => {
    const other = fc.oneof(
      fc.record({ kind: fc.constant('warning' as const), atMs: fc.nat(), scope: fc.string(), message: fc.string() }),
      fc.record({ kind: fc.constant('metrics' as const), atMs: fc.nat(), counters: fc.dictionary(fc.string(), fc.nat()) }),
      fc.record({ kind: fc.constant('exam-start' as const), examId: fc.constantFrom('exam-1', 'exam-2'), uri: fc.string() }),
      fc.record({
        kind: fc.constant('state' as const),
        seq: fc.nat(),
        ptsMs: fc.nat(),
        examId: fc.constant('upstream'),
        landmark: fc.constantFrom('BG' as const, 'LM1' as const),
        vein: fc.constantFrom('open' as const, 'closed' as const, 'unknown' as const),
        smoothed: fc.constant({ landmark: { BG: 1, LM1: 0, LM2: 0 }, pClosed: 0 }),
      }),
    );
    fc.assert(
      fc.property(paramsArb, predictionsArb(), fc.array(fc.tuple(fc.nat(), other), { maxLength: 40 }), (params, preds, inserts) => {
        const stream: PipelineEvent[] = [...preds];
        for (const [at, e] of inserts) stream.splice(at % (stream.length + 1), 0, e);
        const passThrough: PipelineEvent[] = stream.filter((e) => e.kind !== 'prediction');
        const out = runReducer(createCompressibility(params), stream).outputs;
        expect(out.filter((e) => passThrough.includes(e))).toEqual(passThrough);
        expect(out.filter((e) => e.kind === 'prediction')).toEqual(preds);
        const m = createCompressibility(params);
        for (const e of passThrough) expect(m.reduce(m.initial, e)[1]).toEqual([e]);
      }),
      { numRuns: 100 },
    );
  });

  it('passes the exam event on with only verdict, landmarks and disclaimer added', () => {
    fc.assert(
      fc.property(paramsArb, predictionsArb(), (params, preds: PredictionEvent[]) => {
        const events = exam(preds);
        const input = events.at(-1)!;
        const out = runReducer(createCompressibility(params), events).outputs;
        const { verdict, landmarks, disclaimer, ...rest } = exams(out)[0]!;
        expect(rest).toEqual(input);
        expect(verdict).toBeDefined();
        expect(Object.keys(landmarks!).sort()).toEqual(['LM1', 'LM2']);
        expect(disclaimer).toMatch(/not a medical device/);
      }),
      { numRuns: 100 },
    );
  });
});
