/**
 * Latency percentiles in bounded memory: a log-bucketed histogram (1 % relative
 * precision from 0.01 ms to about 28 hours), so an exam that runs for hours costs
 * the same few kilobytes as one that runs for seconds.
 */

const MIN_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e10 / MIN_MS) / LOG_GROWTH) + 1;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export class LatencyHistogram {
  private counts = new Uint32Array(BUCKETS);
  private n = 0;
  private max = 0;

  get count(): number {
    return this.n;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = Math.max(ms, 0);
    this.counts[bucketOf(v)]!++;
    this.n++;
    if (v > this.max) this.max = v;
  }

  /** The value below which `q` (0..1) of the samples fall; within 1 % of the exact sample. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(bucketUpperMs(b), this.max);
    }
    return this.max;
  }

  percentiles(): Percentiles | undefined {
    if (this.n === 0) return undefined;
    return { p50: round(this.quantile(0.5)), p95: round(this.quantile(0.95)), p99: round(this.quantile(0.99)) };
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
  }
}

function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

/** The upper edge of a bucket: a sample in it is at most this and more than 1/GROWTH of it. */
function bucketUpperMs(bucket: number): number {
  return MIN_MS * GROWTH ** bucket;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
