/**
 * Exponential moving average over class probabilities with a time constant in
 * seconds: alpha = 1 − exp(−dt / timeConstantS), so two frames at 30 fps decay
 * exactly as much as one at 15 fps. The first frame initialises the average.
 */
import type { Smoother } from './smoother.js';
import { argmax } from './smoother.js';

export interface EmaParams {
  /** Time constant (s): the average covers about 63% of a step after this long. */
  timeConstantS: number;
}

export function emaSmoother({ timeConstantS }: EmaParams): Smoother<readonly number[] | undefined> {
  return {
    initial: undefined,
    step(average, probs, dtS) {
      const alpha = 1 - Math.exp(-dtS / timeConstantS);
      const next = average === undefined ? [...probs] : average.map((a, i) => a + alpha * ((probs[i] ?? 0) - a));
      return { state: next, smoothed: next, candidate: argmax(next) };
    },
  };
}
