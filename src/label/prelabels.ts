/**
 * The model's predictions as labels the labeller can accept, and how unsure the
 * model is about a loop (the queue opens the least sure loops first). Pure functions.
 *
 * A frame's pre-label is the most probable landmark and `open` when P(closed) < 0.5.
 * Accepting fills only the gaps: a frame the labeller has marked on a track, or marked
 * unusable, keeps its label. A loop's uncertainty is the mean over predicted frames of
 * 1 − the model's confidence in its weaker call, where confidence is max P(landmark)
 * for the landmark and max(P(closed), 1 − P(closed)) for the vein: 0 = sure of
 * everything, about 0.67 = no idea.
 */
import { LANDMARKS } from '../core/events.js';
import { trackRuns, type LabelEdit, type LoopFrameLabel, type TrackRun } from './frame-labels.js';
import type { FramePrediction } from './loop-predictions.js';

/** Per-frame labels the model would give (`{}` where it gave no prediction). */
export function predictedLabels(predictions: readonly (FramePrediction | undefined)[]): LoopFrameLabel[] {
  return predictions.map((p) => {
    if (!p) return {};
    const landmark = LANDMARKS.reduce((best, lm) => (p.landmark[lm] > p.landmark[best] ? lm : best), LANDMARKS[0]!);
    return { landmark, open: p.pClosed < 0.5 };
  });
}

/** The model's runs on the landmark and vein tracks (the timeline's model lanes). */
export function predictedRuns(predictions: readonly (FramePrediction | undefined)[]): TrackRun[] {
  const labels = predictedLabels(predictions);
  return [...trackRuns(labels, 'landmark'), ...trackRuns(labels, 'vein')];
}

/** Edits that copy the model's labels onto every frame with no label of the labeller's on that track. */
export function acceptPredictionEdits(frames: readonly LoopFrameLabel[], predictions: readonly (FramePrediction | undefined)[]): LabelEdit[] {
  const predicted = predictedLabels(predictions);
  const gaps = (track: 'landmark' | 'vein') =>
    predicted.map((p, i) => {
      const own = frames[i];
      if (!own || own.unusable) return {};
      if (track === 'landmark') return own.landmark === undefined && p.landmark ? { landmark: p.landmark } : {};
      return own.open === undefined && p.open !== undefined ? { open: p.open } : {};
    });
  const edits: LabelEdit[] = [];
  for (const run of trackRuns(gaps('landmark'), 'landmark')) {
    edits.push({ op: 'mark', track: 'landmark', value: run.value as LoopFrameLabel['landmark'] & string, start: run.start, end: run.end });
  }
  for (const run of trackRuns(gaps('vein'), 'vein')) {
    edits.push({ op: 'mark', track: 'vein', value: run.value as 'open' | 'closed', start: run.start, end: run.end });
  }
  return edits;
}

/** How unsure the model is about a loop; undefined when it predicted no frame. */
export function loopUncertainty(predictions: readonly (FramePrediction | undefined)[]): number | undefined {
  let sum = 0;
  let n = 0;
  for (const p of predictions) {
    if (!p) continue;
    const landmarkConfidence = Math.max(p.landmark.BG, p.landmark.LM1, p.landmark.LM2);
    const veinConfidence = Math.max(p.pClosed, 1 - p.pClosed);
    sum += 1 - Math.min(landmarkConfidence, veinConfidence);
    n++;
  }
  return n === 0 ? undefined : sum / n;
}
