import { describe, expect, it } from 'vitest';
import { compressibilitySchema, defaultCompressibilityParams } from '../../../src/stages/compressibility/params.js';
import type { Segment } from './prediction-stream.js';
import { exam, predictionStream } from './prediction-stream.js';
import { machine, runReducer, verdicts } from './run-reducer.js';

const approach: Segment = { durationS: 1, landmark: 'BG', pClosed: 0.05 };
const leave: Segment = { durationS: 2, landmark: 'BG', pClosed: 0.05 };
/** A press whose pClosed reaches `peak` for 0.8 s, then sits at `plateau` for `plateauS`. */
const press = (peak: number, plateau: number, plateauS: number): Segment[] => [
  { durationS: 1, landmark: 'LM1', pClosed: 0.05 },
  { durationS: 0.8, landmark: 'LM1', pClosed: peak },
  { durationS: plateauS, landmark: 'LM1', pClosed: plateau },
  { durationS: 1, landmark: 'LM1', pClosed: 0.05 },
];
const verdictOf = (segments: Segment[], overrides: Parameters<typeof machine>[0]) =>
  verdicts(runReducer(machine(overrides), exam(predictionStream(segments, { fps: 30, noise: 0, seed: 1 }))).outputs)[0];

describe('compressibility: the closure level a compressible visit needs', () => {
  it('defaults to a two-level rule, reach 0.9 then hold 0.7 (tuned, docs/compressibility.md), within 0.5..1', () => {
    expect(defaultCompressibilityParams).toMatchObject({ closedLevel: 0.9, closedLevelHold: 'two-level', closedHoldLevel: 0.7 });
    expect(compressibilitySchema.parse({ closedLevel: 0.95 }).closedLevel).toBe(0.95);
    expect(compressibilitySchema.safeParse({ closedLevel: 0.4 }).success).toBe(false);
    expect(compressibilitySchema.safeParse({ closedLevel: 1.1 }).success).toBe(false);
  });

  it('a closure that never reaches closedLevel does not make the visit compressible', () => {
    const segments = [approach, ...press(0.9, 0.9, 1.5), leave];
    expect(verdictOf(segments, { closedLevel: 0.8 })?.verdict).toBe('compressible');
    const strict = verdictOf(segments, { closedLevel: 0.95 });
    expect(strict?.verdict).not.toBe('compressible');
    expect(strict?.explain.join('\n')).toMatch(/pClosed level reaching 0.95 \(closedLevel, peak\)/);
  });

  it('peak counts the whole closure once the level was reached; sustained counts only the time at that level', () => {
    // pClosed 0.99 for 0.8 s (the level passes 0.9), then closed at 0.8 for 1.5 s; minClosedS 1.
    const segments = [approach, ...press(0.99, 0.8, 1.5), leave];
    expect(verdictOf(segments, { closedLevel: 0.9, closedLevelHold: 'peak', minClosedS: 1 })?.verdict).toBe('compressible');
    expect(verdictOf(segments, { closedLevel: 0.9, closedLevelHold: 'sustained', minClosedS: 1 })?.verdict).not.toBe('compressible');
    // Sustained long enough at the level: compressible in both modes.
    const long = [approach, ...press(0.99, 0.97, 1.5), leave];
    expect(verdictOf(long, { closedLevel: 0.9, closedLevelHold: 'sustained', minClosedS: 1 })?.verdict).toBe('compressible');
  });
});
