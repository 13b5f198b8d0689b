/**
 * The labeller's editing model, as pure functions over one label per frame.
 *
 * A loop's labels are an array with one entry per frame: a landmark (`BG`, `LM1`,
 * `LM2`), the vein state (`open: true/false`) and `unusable` (the frame is not fit
 * for training: probe off the skin, frozen screen, artefact), each optional and each
 * on its own track. An edit marks or clears one track over an inclusive frame range;
 * a change made in the page is a list of edits applied together (one undo step).
 * Marking `unusable` clears the landmark and vein over the range; marking a landmark
 * or a vein state clears `unusable` there: a frame is either usable and labelled, or
 * unusable.
 */
import type { Landmark } from '../core/events.js';
import type { SidecarFrameLabel } from '../labels/index.js';

/** The labels of one frame. `thrombus` is kept as read; the page does not edit it. */
export interface LoopFrameLabel {
  landmark?: Landmark;
  open?: boolean;
  unusable?: true;
  thrombus?: boolean;
}

export type Track = 'landmark' | 'vein' | 'unusable';

export type LabelEdit =
  | { op: 'mark'; track: 'landmark'; value: Landmark; start: number; end: number }
  | { op: 'mark'; track: 'vein'; value: 'open' | 'closed'; start: number; end: number }
  | { op: 'mark'; track: 'unusable'; start: number; end: number }
  | { op: 'clear'; track: Track; start: number; end: number };

/** A run of frames with the same value on one track (inclusive), as the timeline draws it. */
export interface TrackRun {
  track: Track;
  value: string;
  start: number;
  end: number;
}

/** Frames with no labels. */
export function emptyLabels(frameCount: number): LoopFrameLabel[] {
  return Array.from({ length: frameCount }, () => ({}));
}

function clampRange(edit: { start: number; end: number }, frameCount: number): [number, number] | undefined {
  const lo = Math.max(0, Math.min(edit.start, edit.end));
  const hi = Math.min(frameCount - 1, Math.max(edit.start, edit.end));
  return lo <= hi ? [lo, hi] : undefined;
}

function applyToFrame(label: LoopFrameLabel, edit: LabelEdit): LoopFrameLabel {
  const next: LoopFrameLabel = { ...label };
  if (edit.op === 'clear') {
    if (edit.track === 'landmark') delete next.landmark;
    else if (edit.track === 'vein') delete next.open;
    else delete next.unusable;
    return next;
  }
  if (edit.track === 'unusable') {
    delete next.landmark;
    delete next.open;
    next.unusable = true;
    return next;
  }
  delete next.unusable;
  if (edit.track === 'landmark') next.landmark = edit.value;
  else next.open = edit.value === 'open';
  return next;
}

/**
 * One edit applied: a new array (the input is not changed). The range is inclusive,
 * either order, and clipped to the loop; an edit entirely outside it changes nothing.
 */
export function applyEdit(frames: readonly LoopFrameLabel[], edit: LabelEdit): LoopFrameLabel[] {
  const range = clampRange(edit, frames.length);
  const out = frames.slice();
  if (!range) return out;
  for (let i = range[0]; i <= range[1]; i++) out[i] = applyToFrame(frames[i]!, edit);
  return out;
}

/** Several edits, in order (one change in the page). */
export function applyEdits(frames: readonly LoopFrameLabel[], edits: readonly LabelEdit[]): LoopFrameLabel[] {
  return edits.reduce<LoopFrameLabel[]>((acc, e) => applyEdit(acc, e), frames.slice());
}

function trackValue(label: LoopFrameLabel, track: Track): string | undefined {
  if (track === 'landmark') return label.landmark;
  if (track === 'vein') return label.open === undefined ? undefined : label.open ? 'open' : 'closed';
  return label.unusable ? 'unusable' : undefined;
}

/** The runs of one track, in frame order (what the timeline shows and the page edits). */
export function trackRuns(frames: readonly LoopFrameLabel[], track: Track): TrackRun[] {
  const runs: TrackRun[] = [];
  frames.forEach((label, i) => {
    const value = trackValue(label, track);
    const last = runs[runs.length - 1];
    if (value === undefined) return;
    if (last && last.value === value && last.end === i - 1) last.end = i;
    else runs.push({ track, value, start: i, end: i });
  });
  return runs;
}

/** Per-frame labels as the sidecar stores a frame (only the fields that are set). */
export function toSidecarLabel(label: LoopFrameLabel): SidecarFrameLabel & { unusable?: true } {
  const out: SidecarFrameLabel & { unusable?: true } = {};
  if (label.landmark !== undefined) out.landmark = label.landmark;
  if (label.open !== undefined) out.open = label.open;
  if (label.thrombus !== undefined) out.thrombus = label.thrombus;
  if (label.unusable) out.unusable = true;
  return out;
}

/** Two frame labels say the same thing. */
export function sameLabel(a: LoopFrameLabel, b: LoopFrameLabel): boolean {
  return a.landmark === b.landmark && a.open === b.open && Boolean(a.unusable) === Boolean(b.unusable) && a.thrombus === b.thrombus;
}
