/**
 * Online HMM forward filter with sticky transitions over K classes.
 *
 * Transitions: a continuous-time Markov chain that leaves its state at rate
 * 1/dwellS and jumps to any class uniformly, so T(dt) = a·I + (1 − a)·U with
 * a = exp(−dt·K / ((K − 1)·dwellS)) and U the uniform matrix. T(dt1)·T(dt2) =
 * T(dt1 + dt2): two frames at 30 fps move the belief exactly as far as one at 15 fps.
 *
 * Emissions: the network's softmax output is read as a scaled likelihood (posterior
 * over a uniform prior), tempered by dt / evidenceS. Consecutive 9-frame windows
 * share 8 frames, so at 30 fps frames are far from independent; tempering makes one
 * second of video weigh the same whatever the frame rate.
 */
import type { Smoother } from './smoother.js';
import { argmax } from './smoother.js';

export interface HmmParams {
  /** Number of hidden classes (3 for landmark, 2 for vein). */
  classes: number;
  /** Expected time (s) the hidden state stays the same. */
  dwellS: number;
  /** Seconds of video that count as one independent observation. */
  evidenceS: number;
}

/** A softmax output of exactly 0 would veto a class forever; floor it. */
const LIKELIHOOD_FLOOR = 0.01;

export function hmmSmoother({ classes, dwellS, evidenceS }: HmmParams): Smoother<readonly number[]> {
  const uniform = Array.from({ length: classes }, () => 1 / classes);
  const rate = classes / ((classes - 1) * dwellS);
  return {
    initial: uniform,
    step(posterior, probs, dtS) {
      const stay = Math.exp(-dtS * rate);
      const weight = dtS / evidenceS;
      const joint = posterior.map((p, i) => (stay * p + (1 - stay) / classes) * Math.max(probs[i] ?? 0, LIKELIHOOD_FLOOR) ** weight);
      const total = joint.reduce((a, b) => a + b, 0);
      const next = total > 0 && Number.isFinite(total) ? joint.map((j) => j / total) : posterior;
      return { state: next, smoothed: next, candidate: argmax(next) };
    },
  };
}
