/**
 * Paired bootstrap of the F1 difference between two models evaluated on the same windows.
 *
 * Windows of one patient are not independent, so the resampled unit is a cluster (a
 * patient by default): each round draws clusters with replacement, sums both models'
 * confusion matrices over the drawn clusters (the same draw for both: paired), and
 * records F1(B) - F1(A) per Table 2 column and for their mean. The interval is the
 * percentile interval of those differences. Seeded: the same seed gives the same interval.
 */
import { createRng } from '../phantom/prng.js';
import { f1Scores, sumGroups, type GroupConfusion } from './grouped-confusions.js';

export const SCORE_NAMES = ['O/C', 'LM1', 'LM2', 'BG', 'mean'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

export interface PairedCluster {
  a: GroupConfusion;
  b: GroupConfusion;
}

export interface DifferenceInterval {
  /** F1(B) - F1(A) on all clusters. */
  difference: number;
  low: number;
  high: number;
}

export interface PairedBootstrapResult {
  rounds: number;
  clusters: number;
  confidence: number;
  seed: number;
  scores: Record<ScoreName, DifferenceInterval>;
}

export function pairedBootstrap(clusters: PairedCluster[], options: { rounds: number; seed: number; confidence?: number }): PairedBootstrapResult {
  const confidence = options.confidence ?? 0.95;
  const n = clusters.length;
  const observedA = f1Scores(sumGroups(clusters.map((c) => c.a)));
  const observedB = f1Scores(sumGroups(clusters.map((c) => c.b)));
  const draws: Record<ScoreName, number[]> = { 'O/C': [], LM1: [], LM2: [], BG: [], mean: [] };
  const rng = createRng(options.seed);
  const weights = new Array<number>(n);
  for (let r = 0; r < options.rounds && n > 0; r++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[rng.int(0, n - 1)]!++;
    const a = f1Scores(
      sumGroups(
        clusters.map((c) => c.a),
        weights,
      ),
    );
    const b = f1Scores(
      sumGroups(
        clusters.map((c) => c.b),
        weights,
      ),
    );
    for (const k of SCORE_NAMES) draws[k].push(b[k] - a[k]);
  }
  const scores = {} as Record<ScoreName, DifferenceInterval>;
  for (const k of SCORE_NAMES) {
    const sorted = draws[k].sort((x, y) => x - y);
    const difference = observedB[k] - observedA[k];
    scores[k] = { difference, low: quantile(sorted, (1 - confidence) / 2) ?? difference, high: quantile(sorted, 1 - (1 - confidence) / 2) ?? difference };
  }
  return { rounds: options.rounds, clusters: n, confidence, seed: options.seed, scores };
}

/** Linear-interpolated quantile of sorted values (undefined when empty). */
export function quantile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
