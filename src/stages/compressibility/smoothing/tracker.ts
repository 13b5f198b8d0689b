/**
 * One tracked signal (landmark or vein): the selected smoother followed by the
 * minimum-dwell commit. Pure: `trackerStep` returns a new state.
 */
import type { CommitState } from './commit.js';
import { commitStep, initialCommit } from './commit.js';
import { emaSmoother } from './ema.js';
import { hmmSmoother } from './hmm.js';
import { hysteresisSmoother } from './hysteresis.js';
import type { Smoother } from './smoother.js';

export type SmootherKind = 'hmm' | 'ema' | 'hysteresis';

export interface TrackerParams {
  smoother: SmootherKind;
  classes: number;
  /** hmm: expected dwell (s) of the hidden state. */
  dwellS: number;
  /** hmm: seconds of video worth one independent observation. */
  evidenceS: number;
  /** ema: time constant (s). */
  emaS: number;
  /** hysteresis: enter and exit thresholds. */
  enter: number;
  exit: number;
  /** Minimum dwell (s) before a candidate class is reported. */
  commitS: number;
}

export interface Tracker {
  readonly initial: TrackerState;
  step(state: TrackerState, probs: readonly number[], dtS: number, nowMs: number): TrackerStep;
}

export interface TrackerState {
  smoother: unknown;
  commit: CommitState;
  smoothed: readonly number[];
}

export interface TrackerStep {
  state: TrackerState;
  /** Set when the committed class changed on this frame: the class before (undefined = none yet). */
  changed: boolean;
  changedFrom?: number | undefined;
}

export function smootherFor(p: TrackerParams): Smoother<unknown> {
  switch (p.smoother) {
    case 'hmm':
      return hmmSmoother({ classes: p.classes, dwellS: p.dwellS, evidenceS: p.evidenceS }) as Smoother<unknown>;
    case 'ema':
      return emaSmoother({ timeConstantS: p.emaS }) as Smoother<unknown>;
    case 'hysteresis':
      return hysteresisSmoother({ enter: p.enter, exit: p.exit }) as Smoother<unknown>;
  }
}

export function createTracker(p: TrackerParams): Tracker {
  const smoother = smootherFor(p);
  const minDwellMs = p.commitS * 1000;
  const uniform = Array.from({ length: p.classes }, () => 1 / p.classes);
  return {
    initial: { smoother: smoother.initial, commit: initialCommit, smoothed: uniform },
    step(state, probs, dtS, nowMs) {
      const s = smoother.step(state.smoother, probs, dtS, state.commit.committed);
      const c = commitStep(state.commit, s.candidate, nowMs, minDwellMs);
      return {
        state: { smoother: s.state, commit: c.state, smoothed: s.smoothed },
        changed: c.changed,
        changedFrom: c.changedFrom,
      };
    },
  };
}
