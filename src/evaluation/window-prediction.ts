/**
 * One model's answer on one labelled window, reduced to what Table 2 counts: the true and
 * predicted class of each task (-1 = no label for that task). The predicted landmark is
 * the arg-max, closed means pClosed >= 0.5 (as the `evaluate` sink counts them).
 */
import type { Landmark, PredictionEvent } from '../core/events.js';

export interface WindowPrediction {
  /** Exam (index into the evaluated exams) and the window's newest frame seq: the pairing key. */
  exam: number;
  seq: number;
  /** BG 0, LM1 1, LM2 2; -1 = unlabelled. */
  landmarkTrue: number;
  landmarkPred: number;
  /** open 0, closed 1; -1 = unlabelled. */
  veinTrue: number;
  veinPred: number;
}

const CODE: Record<Landmark, number> = { BG: 0, LM1: 1, LM2: 2 };

export function windowPredictionOf(event: PredictionEvent, exam: number): WindowPrediction {
  const p = event.landmark;
  return {
    exam,
    seq: event.seq,
    landmarkTrue: event.labels?.landmark ? CODE[event.labels.landmark] : -1,
    landmarkPred: p.BG >= p.LM1 && p.BG >= p.LM2 ? 0 : p.LM1 >= p.LM2 ? 1 : 2,
    veinTrue: event.labels?.open === undefined ? -1 : event.labels.open ? 0 : 1,
    veinPred: event.pClosed >= 0.5 ? 1 : 0,
  };
}
