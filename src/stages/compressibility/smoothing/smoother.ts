/**
 * A smoother turns one noisy class-probability vector per frame into a smoothed
 * vector and a candidate class. The candidate only becomes the reported state after
 * it has held for a minimum dwell (see commit.ts), so smoothers never decide alone.
 *
 * Every smoother takes `dtS`, the seconds since the previous frame (0 for the first
 * frame of an exam), and states its parameters in seconds, so the same parameters
 * mean the same thing at 15 and 30 fps.
 */
export interface Smoother<S> {
  readonly initial: S;
  /**
   * @param probs class probabilities for this frame (sanitised: finite, in [0, 1])
   * @param dtS seconds since the previous frame, clamped by the caller to [0, maxGapS]
   * @param committed the class currently reported, when there is one
   */
  step(state: S, probs: readonly number[], dtS: number, committed: number | undefined): SmootherStep<S>;
}

export interface SmootherStep<S> {
  state: S;
  /** Smoothed class probabilities (sum to 1 for hmm and ema; the raw input for hysteresis). */
  smoothed: readonly number[];
  /** The class this smoother currently favours; undefined when it has no opinion (a tie). */
  candidate: number | undefined;
}

/** Index of the largest value; undefined when the top two tie (no opinion). */
export function argmax(values: readonly number[]): number | undefined {
  let best = -1;
  let bestValue = -Infinity;
  let tie = false;
  values.forEach((v, i) => {
    if (v > bestValue + 1e-12) {
      best = i;
      bestValue = v;
      tie = false;
    } else if (Math.abs(v - bestValue) <= 1e-12) {
      tie = true;
    }
  });
  return best < 0 || tie ? undefined : best;
}
