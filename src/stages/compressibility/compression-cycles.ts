/**
 * Counts compression cycles on the pClosed level (a moving average of the raw
 * pClosed): a press is the level rising by at least `delta` above its lowest point
 * since the last release, a release is the level falling by at least `delta` below
 * its highest point since the press; each rise or fall must hold for the minimum
 * dwell. Relative, so it works whatever the network's baseline for an open vein,
 * and a press that never closes the vein (a thrombus) still counts.
 */
import type { CommitState } from './smoothing/commit.js';
import { commitStep, initialCommit } from './smoothing/commit.js';

const RELEASED = 0;
const PRESSED = 1;

export interface CycleState {
  /** committed: RELEASED or PRESSED (RELEASED from the start). */
  phase: CommitState;
  /** Lowest level since the release (while released), highest since the press (while pressed). */
  extreme: number | undefined;
}

export const initialCycles: CycleState = {
  phase: { ...initialCommit, committed: RELEASED },
  extreme: undefined,
};

export function cycleStep(state: CycleState, level: number, nowMs: number, delta: number, minDwellMs: number): { state: CycleState; completed: boolean } {
  const extreme = state.extreme ?? level;
  const pressed = state.phase.committed === PRESSED;
  const moved = pressed ? level <= extreme - delta : level >= extreme + delta;
  const candidate = moved ? (pressed ? RELEASED : PRESSED) : state.phase.committed;
  const step = commitStep(state.phase, candidate, nowMs, minDwellMs);
  if (step.changed) {
    return { state: { phase: step.state, extreme: level }, completed: step.state.committed === RELEASED };
  }
  return {
    state: { phase: step.state, extreme: pressed ? Math.max(extreme, level) : Math.min(extreme, level) },
    completed: false,
  };
}
