/**
 * Undo and redo for the labeller, as pure functions: the history holds the labels
 * before each change (`past`), the labels now (`present`) and the changes undone
 * since the last new change (`future`). A new change clears `future`. At most
 * `limit` steps are kept (the oldest are forgotten).
 */
import { applyEdits, type LabelEdit, type LoopFrameLabel } from './frame-labels.js';

export interface EditHistory {
  past: LoopFrameLabel[][];
  present: LoopFrameLabel[];
  future: LoopFrameLabel[][];
}

export const DEFAULT_HISTORY_LIMIT = 200;

export function startHistory(present: LoopFrameLabel[]): EditHistory {
  return { past: [], present, future: [] };
}

/** Apply one change (a list of edits, one undo step). */
export function commitEdits(history: EditHistory, edits: readonly LabelEdit[], limit = DEFAULT_HISTORY_LIMIT): EditHistory {
  const present = applyEdits(history.present, edits);
  const past = [...history.past, history.present];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, present, future: [] };
}

export function canUndo(history: EditHistory): boolean {
  return history.past.length > 0;
}

export function canRedo(history: EditHistory): boolean {
  return history.future.length > 0;
}

/** The labels before the last change; unchanged when there is nothing to undo. */
export function undo(history: EditHistory): EditHistory {
  if (!canUndo(history)) return history;
  const previous = history.past[history.past.length - 1]!;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/** The change last undone, again; unchanged when there is nothing to redo. */
export function redo(history: EditHistory): EditHistory {
  if (!canRedo(history)) return history;
  const [next, ...rest] = history.future;
  return { past: [...history.past, history.present], present: next!, future: rest };
}
