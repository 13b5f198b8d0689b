/**
 * Minimum dwell: a candidate class becomes the committed (reported) class only after
 * it has been the candidate on every frame for at least `minDwellMs`. A single frame
 * has been held for 0 ms, so with minDwellMs > 0 one frame alone never commits.
 */
export interface CommitState {
  /** The reported class; undefined until a first candidate has held long enough. */
  committed: number | undefined;
  /** When the committed class first became the candidate (ms). */
  committedSinceMs: number;
  pending: number | undefined;
  pendingSinceMs: number;
}

const TIME_EPSILON_MS = 1e-6;

export const initialCommit: CommitState = {
  committed: undefined,
  committedSinceMs: 0,
  pending: undefined,
  pendingSinceMs: 0,
};

export interface CommitStep {
  state: CommitState;
  /** The class that was committed before, when this frame changed it. */
  changedFrom?: number | undefined;
  changed: boolean;
}

export function commitStep(state: CommitState, candidate: number | undefined, nowMs: number, minDwellMs: number): CommitStep {
  if (candidate === undefined || candidate === state.committed) {
    if (state.pending === undefined) return { state, changed: false };
    return { state: { ...state, pending: undefined }, changed: false };
  }
  const sinceMs = candidate === state.pending ? state.pendingSinceMs : nowMs;
  // ptsMs are often i * 1000 / fps: forgive rounding, so a dwell of 0.2 s is met on the frame at 0.2 s.
  if (nowMs - sinceMs >= minDwellMs - TIME_EPSILON_MS && nowMs > sinceMs) {
    return {
      state: { committed: candidate, committedSinceMs: sinceMs, pending: undefined, pendingSinceMs: 0 },
      changedFrom: state.committed,
      changed: true,
    };
  }
  return { state: { ...state, pending: candidate, pendingSinceMs: sinceMs }, changed: false };
}
