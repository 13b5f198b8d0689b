import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cycleStep, initialCycles } from '../../../src/stages/compressibility/compression-cycles.js';

/** Cycles counted over a level trace sampled at fps (dwell 0.2 s, delta 0.15). */
function countCycles(levels: readonly number[], fps: number): number {
  let state = initialCycles;
  let cycles = 0;
  levels.forEach((level, i) => {
    const r = cycleStep(state, level, (i * 1000) / fps, 0.15, 200);
    state = r.state;
    if (r.completed) cycles++;
  });
  return cycles;
}

const repeat = (value: number, seconds: number, fps: number) => Array.from({ length: Math.round(seconds * fps) }, () => value);

describe('compression cycles', () => {
  it('counts one cycle per press that rises and falls back by cycleDelta, whatever the open baseline', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.2, max: 0.5, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(10, 15, 30),
        (baseline, rise, presses, fps) => {
          const levels = [...repeat(baseline, 1, fps)];
          for (let i = 0; i < presses; i++) levels.push(...repeat(baseline + rise, 0.6, fps), ...repeat(baseline, 0.6, fps));
          expect(countCycles(levels, fps)).toBe(presses);
        },
      ),
    );
  });

  it('never counts a cycle for a level that moves less than cycleDelta', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.3, max: 0.44, noNaN: true }), { maxLength: 200 }), (levels) => {
        expect(countCycles(levels, 15)).toBe(0);
      }),
    );
  });

  it('never counts a cycle for a bump shorter than the dwell', () => {
    expect(countCycles([...repeat(0.05, 1, 15), 0.6, 0.6, ...repeat(0.05, 1, 15)], 15)).toBe(0);
  });
});
