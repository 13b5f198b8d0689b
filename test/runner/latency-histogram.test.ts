import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/flow/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('gives every percentile within 1 % of the exact sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.05, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (xs, q) => {
          const h = new LatencyHistogram();
          xs.forEach((x) => h.record(x));
          const sorted = [...xs].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil(q * xs.length)) - 1]!;
          expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.0101);
        },
      ),
    );
  });

  it('reports nothing before the first sample and forgets on reset', () => {
    const h = new LatencyHistogram();
    expect(h.percentiles()).toBeUndefined();
    h.record(10);
    expect(h.percentiles()).toEqual({ p50: 10, p95: 10, p99: 10 });
    h.reset();
    expect(h.count).toBe(0);
  });
});
