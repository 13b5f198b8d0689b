/**
 * Model-based test of the compressibility state machine: fast-check generates
 * sequences of probe actions (move to a landmark, compress, press without closing,
 * spike, brief loss, pause), each turned into frames for the real reducer, while a
 * small model says what a clinician would expect. After every action the reported
 * landmark and the verdicts emitted so far must agree with the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Landmark, LandmarkProbabilities, PipelineEvent, VisitVerdict } from '../../../src/core/events.js';
import type { SmootherKind } from '../../../src/stages/compressibility/smoothing/tracker.js';
import type { Compressibility, CompressibilityState } from '../../../src/stages/compressibility/reducer.js';
import { landmarkProbabilities, prediction, seededRandom } from './prediction-stream.js';
import { exams, machine, states, verdicts } from './run-reducer.js';
import { PARTIAL } from './scenario.js';

type Lm = 'LM1' | 'LM2';

interface ModelVisit {
  landmark: Lm;
  heldS: number;
  compressed: boolean;
  cycles: number;
}

interface Model {
  shown: Landmark;
  visit?: ModelVisit;
  /** Verdicts of ended visits: each the set of verdicts the model accepts. */
  ended: { landmark: Lm; accept: VisitVerdict[] }[];
}

class Probe {
  state: CompressibilityState;
  outputs: PipelineEvent[] = [];
  private tMs = 0;
  private seq = 0;
  private readonly random: () => number;
  constructor(
    readonly m: Compressibility,
    readonly fps: number,
    seed: number,
  ) {
    this.state = m.initial;
    this.random = seededRandom(seed);
    this.push({ kind: 'exam-start', examId: 'exam-1', uri: 'model://exam-1' });
  }
  push(e: PipelineEvent) {
    const [next, out] = this.m.reduce(this.state, e);
    this.state = next;
    this.outputs.push(...out);
  }
  frame(landmark: LandmarkProbabilities, pClosed: number) {
    this.push(prediction(this.seq++, this.tMs, landmark, pClosed));
    this.tMs += 1000 / this.fps;
  }
  show(landmark: Landmark, pClosed: number, durationS: number) {
    const noise = () => (this.random() * 2 - 1) * 0.05;
    for (let i = 0; i < Math.round(durationS * this.fps); i++) {
      this.frame(landmarkProbabilities(landmark, 0.9 + noise()), Math.min(1, Math.max(0, pClosed + noise())));
    }
  }
  pause(seconds: number) {
    this.tMs += seconds * 1000;
  }
  reported() {
    return states(this.outputs).at(-1)!;
  }
}

/** What the model expects of a visit that ends now, with the default parameters. */
function accept(v: ModelVisit): VisitVerdict[] {
  if (v.compressed) return ['compressible'];
  if (v.cycles >= 2) return ['not-compressible'];
  // Held time is measured from smoothed states: within a second of 5 s, either answer is right.
  if (v.heldS >= 6) return ['not-compressible'];
  if (v.heldS <= 4) return ['inconclusive'];
  return ['inconclusive', 'not-compressible'];
}

function endVisit(m: Model) {
  if (m.visit) m.ended.push({ landmark: m.visit.landmark, accept: accept(m.visit) });
  m.visit = undefined;
}

function checkVerdicts(m: Model, r: Probe) {
  const got = verdicts(r.outputs);
  expect(got.map((v) => v.landmark)).toEqual(m.ended.map((e) => e.landmark));
  got.forEach((v, i) => expect(m.ended[i]!.accept).toContain(v.verdict));
}

const onLandmark = (m: Readonly<Model>) => m.shown !== 'BG';

class MoveTo implements fc.Command<Model, Probe> {
  constructor(
    readonly landmark: Landmark,
    readonly seconds: number,
  ) {}
  check = () => true;
  run(m: Model, r: Probe) {
    r.show(this.landmark, 0.05, this.seconds);
    if (this.landmark === m.shown && m.visit) m.visit.heldS += this.seconds;
    else {
      endVisit(m);
      if (this.landmark !== 'BG') m.visit = { landmark: this.landmark, heldS: this.seconds, compressed: false, cycles: 0 };
    }
    m.shown = this.landmark;
    expect(r.reported().landmark).toBe(this.landmark);
    expect(r.reported().vein).toBe('open');
    checkVerdicts(m, r);
  }
  toString = () => `MoveTo(${this.landmark}, ${this.seconds.toFixed(2)} s)`;
}

class Compress implements fc.Command<Model, Probe> {
  constructor(readonly closedS: number) {}
  check = onLandmark;
  run(m: Model, r: Probe) {
    const before = r.outputs.length;
    r.show(m.shown, 0.92, this.closedS);
    r.show(m.shown, 0.05, 1);
    expect(states(r.outputs.slice(before)).some((s) => s.vein === 'closed')).toBe(true);
    expect(r.reported().vein).toBe('open');
    m.visit!.compressed = true;
    m.visit!.heldS += this.closedS + 1;
    checkVerdicts(m, r);
  }
  toString = () => `Compress(${this.closedS.toFixed(2)} s)`;
}

class PressWithoutClosing implements fc.Command<Model, Probe> {
  check = onLandmark;
  run(m: Model, r: Probe) {
    const before = r.outputs.length;
    r.show(m.shown, PARTIAL, 0.8);
    r.show(m.shown, 0.05, 0.8);
    expect(states(r.outputs.slice(before)).every((s) => s.vein === 'open')).toBe(true);
    m.visit!.cycles += 1;
    m.visit!.heldS += 1.6;
    checkVerdicts(m, r);
  }
  toString = () => 'PressWithoutClosing';
}

class Spike implements fc.Command<Model, Probe> {
  constructor(
    readonly landmark: LandmarkProbabilities,
    readonly pClosed: number,
  ) {}
  check = () => true;
  run(m: Model, r: Probe) {
    const { landmark, vein } = r.reported();
    const before = r.outputs.length;
    r.frame(this.landmark, this.pClosed);
    r.show(m.shown, 0.05, 1);
    for (const s of states(r.outputs.slice(before))) expect({ landmark: s.landmark, vein: s.vein }).toEqual({ landmark, vein });
    if (m.visit) m.visit.heldS += 1;
    checkVerdicts(m, r);
  }
  toString = () => `Spike(${JSON.stringify(this.landmark)}, ${this.pClosed})`;
}

class BriefLoss implements fc.Command<Model, Probe> {
  constructor(readonly seconds: number) {}
  check = onLandmark;
  run(m: Model, r: Probe) {
    r.show('BG', 0.05, this.seconds);
    r.show(m.shown, 0.05, 1);
    m.visit!.heldS += 1;
    expect(r.reported().landmark).toBe(m.shown);
    checkVerdicts(m, r);
  }
  toString = () => `BriefLoss(${this.seconds.toFixed(2)} s)`;
}

class Pause implements fc.Command<Model, Probe> {
  constructor(readonly seconds: number) {}
  check = () => true;
  run(m: Model, r: Probe) {
    r.pause(this.seconds);
    r.show(m.shown, 0.05, 1);
    endVisit(m);
    if (m.shown !== 'BG') m.visit = { landmark: m.shown, heldS: 1, compressed: false, cycles: 0 };
    checkVerdicts(m, r);
  }
  toString = () => `Pause(${this.seconds.toFixed(2)} s)`;
}

const seconds = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const probability = fc.double({ min: 0, max: 1, noNaN: true });
const commands = [
  fc.tuple(fc.constantFrom<Landmark>('BG', 'LM1', 'LM2'), seconds(2, 3)).map(([l, s]) => new MoveTo(l, s)),
  seconds(0.8, 1.5).map((s) => new Compress(s)),
  fc.constant(new PressWithoutClosing()),
  fc.tuple(fc.record({ BG: probability, LM1: probability, LM2: probability }), probability).map(([l, p]) => new Spike(l, p)),
  seconds(0.1, 0.4).map((s) => new BriefLoss(s)),
  seconds(1.5, 3).map((s) => new Pause(s)),
];

describe('compressibility state machine (model-based)', () => {
  it.each(['hmm', 'ema', 'hysteresis'] as const)(
    'with %s, the reported landmark, the visit verdicts and the exam verdict follow the model for any sequence of probe actions',
    (smoother: SmootherKind) => {
      fc.assert(
        fc.property(fc.constantFrom(10, 15, 25, 30), fc.integer(), fc.commands(commands, { maxCommands: 25 }), (fps, seed, cmds) => {
          const model: Model = { shown: 'BG', ended: [] };
          const probe = new Probe(machine({ smoother }), fps, seed);
          probe.show('BG', 0.05, 1);
          fc.modelRun(() => ({ model, real: probe }), cmds);

          probe.push({ kind: 'exam', examId: 'exam-1', uri: 'model://exam-1', frames: 0, durationMs: 0 });
          endVisit(model);
          checkVerdicts(model, probe);
          const summary = exams(probe.outputs)[0]!;
          const got = verdicts(probe.outputs);
          const at = (l: Lm) => got.filter((v) => v.landmark === l).map((v) => v.verdict);
          // A landmark is compressible when one visit closed the vein and none was not compressible.
          const negative = (['LM1', 'LM2'] as const).every((l) => at(l).includes('compressible'));
          const refer = got.some((v) => v.verdict === 'not-compressible');
          expect(summary.verdict).toBe(refer ? 'refer for specialist ultrasound' : negative ? '2-point exam negative at the examined landmarks' : 'incomplete');
        }),
        { numRuns: 80 },
      );
    },
  );
});
