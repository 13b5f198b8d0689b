/**
 * Hysteresis on the raw probabilities: leave the committed class only when its
 * probability falls below `exit` while another class reaches `enter`. The minimum
 * dwell that completes "hysteresis with minimum dwell" is applied by commit.ts to
 * the candidate this returns, as for every smoother. No filtering: the smoothed
 * output is the input.
 */
import type { Smoother } from './smoother.js';
import { argmax } from './smoother.js';

export interface HysteresisParams {
  /** A class becomes the candidate when its probability reaches this. */
  enter: number;
  /** The committed class stays the candidate while its probability stays at or above this. */
  exit: number;
}

export function hysteresisSmoother({ enter, exit }: HysteresisParams): Smoother<undefined> {
  return {
    initial: undefined,
    step(state, probs, _dtS, committed) {
      const top = argmax(probs);
      const challenger = top !== undefined && probs[top]! >= enter ? top : undefined;
      let candidate: number | undefined;
      if (committed === undefined) candidate = challenger;
      else if (probs[committed]! >= exit || challenger === undefined) candidate = committed;
      else candidate = challenger;
      return { state, smoothed: probs, candidate };
    },
  };
}
