/**
 * The labeller's state behind the page: the loops it was given, their prepared
 * frames (decoded and text-removed on first open; the few most recently opened are
 * kept), and per loop the undo history of this run. Every change is saved to the
 * loop's sidecar at once (loop-labels-store.ts) and answered with the new revision;
 * a change based on an older revision is refused (SaveConflict), and opening a loop
 * again picks up what another tab or process saved. With pre-labels, `scoreAll`
 * prepares every loop in the background (one at a time) to learn how unsure the
 * model is about it, so the page can open the least sure loops first.
 */
import { formatError } from '../core/errors.js';
import { examIdFor } from '../sources/list-input-files.js';
import fs from 'node:fs';
import { sidecarPathFor } from '../labels/index.js';
import { acceptPredictionEdits, loopUncertainty, predictedRuns } from './prelabels.js';
import { canRedo, canUndo, commitEdits, redo, startHistory, undo, type EditHistory } from './edit-history.js';
import { trackRuns, type LabelEdit, type TrackRun } from './frame-labels.js';
import { readStoredLabels, saveStoredLabels, SaveConflict } from './loop-labels-store.js';
import type { LabelLoop } from './label-inputs.js';
import type { LoopFrames } from './loop-frames.js';

export interface LabelSessionOptions {
  loops: LabelLoop[];
  /** Decode and text-remove one loop. */
  prepare(loop: LabelLoop): Promise<LoopFrames>;
  labelledBy: string;
  now?: () => Date;
  /** Prepared loops kept in memory (default 4). */
  keepPrepared?: number;
}

/** What the page shows of a loop (no patient attribute: frames are fetched by index). */
export interface LoopView {
  id: number;
  name: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  ptsMs: number[];
  revision: number;
  labelledBy?: string;
  labelledAt?: string;
  runs: TrackRun[];
  /** The model's pre-labels (landmark and vein tracks); empty without a model. */
  predicted: TrackRun[];
  /** How unsure the model is about this loop (prelabels.ts); absent without a model. */
  uncertainty?: number;
  /** Why the model gave no pre-labels, when it failed. */
  predictionError?: string;
  canUndo: boolean;
  canRedo: boolean;
}

/** A loop in the list the page shows (and orders: unlabelled and least sure first). */
export interface LoopSummary {
  id: number;
  name: string;
  /** A labels sidecar exists. */
  labelled: boolean;
  uncertainty?: number;
}

export type LabelChange = { revision: number } & ({ edits: LabelEdit[] } | { undo: true } | { redo: true } | { acceptPredictions: true });

interface LoopState {
  history: EditHistory;
  revision: number;
  labelledBy?: string;
  labelledAt?: string;
}

export class LabelSession {
  private readonly prepared = new Map<number, Promise<LoopFrames>>();
  /** Preparations under way (the page's and the background scorer's share them). */
  private readonly preparing = new Map<number, Promise<LoopFrames>>();
  private readonly uncertainty = new Map<number, number>();
  private readonly states = new Map<number, LoopState>();
  private readonly now: () => Date;

  constructor(private readonly options: LabelSessionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get loops(): readonly LabelLoop[] {
    return this.options.loops;
  }

  loop(id: number): LabelLoop | undefined {
    return Number.isInteger(id) ? this.options.loops[id] : undefined;
  }

  /** The loop's frames, prepared once (the oldest prepared loop is dropped beyond the limit). */
  frames(loop: LabelLoop): Promise<LoopFrames> {
    let ready = this.prepared.get(loop.id);
    if (ready)
      this.prepared.delete(loop.id); // re-inserted below: most recently used last
    else ready = this.prepare(loop);
    this.prepared.set(loop.id, ready);
    const keep = this.options.keepPrepared ?? 4;
    for (const id of this.prepared.keys()) {
      if (this.prepared.size <= keep) break;
      if (id !== loop.id) this.prepared.delete(id);
    }
    return ready;
  }

  private prepare(loop: LabelLoop): Promise<LoopFrames> {
    const under = this.preparing.get(loop.id);
    if (under) return under;
    const ready = this.options.prepare(loop).then((frames) => {
      const u = frames.predictions ? loopUncertainty(frames.predictions) : undefined;
      if (u !== undefined) this.uncertainty.set(loop.id, u);
      return frames;
    });
    this.preparing.set(loop.id, ready);
    const done = () => void this.preparing.delete(loop.id);
    ready.then(done, () => {
      done();
      this.prepared.delete(loop.id);
    });
    return ready;
  }

  /** The loops for the page's list. */
  summaries(): LoopSummary[] {
    return this.options.loops.map((l) => ({
      id: l.id,
      name: l.name,
      labelled: fs.existsSync(sidecarPathFor(l.file)),
      uncertainty: this.uncertainty.get(l.id),
    }));
  }

  /**
   * Prepare every loop not scored yet, one at a time, to learn the model's
   * uncertainty (frames are kept only while fewer than `keepPrepared` loops are).
   */
  async scoreAll(signal: AbortSignal, onError?: (loop: LabelLoop, message: string) => void): Promise<void> {
    for (const loop of this.options.loops) {
      if (signal.aborted) return;
      if (this.uncertainty.has(loop.id)) continue;
      try {
        const cached = this.prepared.get(loop.id);
        const ready = cached ?? this.prepare(loop);
        await ready;
        // Keep the frames while there is room: the page is likely to open this loop soon.
        if (!cached && !this.prepared.has(loop.id) && this.prepared.size < (this.options.keepPrepared ?? 4)) this.prepared.set(loop.id, ready);
      } catch (err) {
        if (!signal.aborted) onError?.(loop, formatError(err, { oneLine: true }));
      }
    }
  }

  /** Open (or reopen) a loop: its frames' timing and its labels as saved now. */
  async open(loop: LabelLoop): Promise<LoopView> {
    const frames = await this.frames(loop);
    const stored = await readStoredLabels(loop.file, frames.png.length);
    const state = this.states.get(loop.id);
    if (!state || state.revision !== stored.revision) {
      this.states.set(loop.id, {
        history: startHistory(stored.frames),
        revision: stored.revision,
        labelledBy: stored.labelledBy,
        labelledAt: stored.labelledAt,
      });
    }
    return this.view(loop, frames);
  }

  /** Apply a change (edits, undo or redo), save it, and return the loop as it is now. */
  async change(loop: LabelLoop, change: LabelChange): Promise<LoopView> {
    const frames = await this.frames(loop);
    let state = this.states.get(loop.id);
    if (!state) {
      await this.open(loop);
      state = this.states.get(loop.id)!;
    }
    if (change.revision !== state.revision) throw new SaveConflict(state.revision);
    const history =
      'edits' in change
        ? commitEdits(state.history, change.edits)
        : 'acceptPredictions' in change
          ? acceptPredictions(state.history, frames)
          : 'undo' in change
            ? undo(state.history)
            : redo(state.history);
    if (history === state.history) return this.view(loop, frames);
    const at = this.now();
    const revision = await saveStoredLabels(loop.file, {
      frames: history.present,
      baseRevision: state.revision,
      labelledBy: this.options.labelledBy,
      at,
      fps: frames.fps,
      examId: examIdFor(loop.file),
    });
    this.states.set(loop.id, { history, revision, labelledBy: this.options.labelledBy, labelledAt: at.toISOString() });
    return this.view(loop, frames);
  }

  private view(loop: LabelLoop, frames: LoopFrames): LoopView {
    const state = this.states.get(loop.id)!;
    const labels = state.history.present;
    return {
      id: loop.id,
      name: loop.name,
      width: frames.width,
      height: frames.height,
      fps: frames.fps,
      frameCount: frames.png.length,
      ptsMs: frames.ptsMs,
      revision: state.revision,
      labelledBy: state.labelledBy,
      labelledAt: state.labelledAt,
      runs: [...trackRuns(labels, 'landmark'), ...trackRuns(labels, 'vein'), ...trackRuns(labels, 'unusable')],
      predicted: frames.predictions ? predictedRuns(frames.predictions) : [],
      uncertainty: this.uncertainty.get(loop.id),
      predictionError: frames.predictionError,
      canUndo: canUndo(state.history),
      canRedo: canRedo(state.history),
    };
  }
}

/** Accepting the model's pre-labels where the labeller has none: one undo step, or nothing to do. */
function acceptPredictions(history: EditHistory, frames: LoopFrames): EditHistory {
  if (!frames.predictions) return history;
  const edits = acceptPredictionEdits(history.present, frames.predictions);
  return edits.length === 0 ? history : commitEdits(history, edits);
}
