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

export function commitStep(
  state: CommitState,
  candidate: number | undefined,
  nowMs: number,
  minDwellMs: number,
): CommitStep {
  if (candidate === undefined || candidate === state.committed) {
    if (state.pending === undefined) return { state, changed: false };
    return { state: { ...state, pending: undefined }, changed: false };
  }
  const sinceMs = candidate === state.pending ? state.pendingSinceMs : nowMs;
  if (nowMs - sinceMs >= minDwellMs && nowMs > sinceMs) {
    return {
      state: { committed: candidate, committedSinceMs: sinceMs, pending: undefined, pendingSinceMs: 0 },
      changedFrom: state.committed,
      changed: true,
    };
  }
  return { state: { ...state, pending: candidate, pendingSinceMs: sinceMs }, changed: false };
}
