/**
 * Open and closed runs count only while the landmark is held (issue 17): a frame on which the
 * landmark smoother already favours another landmark (a slide off the landmark that has not
 * become a loss yet) is not held, so it ends a closure under way, and the next held frame
 * re-acquires the landmark: no open or closed run is dated from before it. Before, runs were
 * dated from the vein smoother's "favoured since" time and spanned such a slide.
 */
import { describe, expect, it } from 'vitest';
import { defaultCompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { createCompressibility } from '../../../src/stages/compressibility/reducer.js';
import type { Segment } from './prediction-stream.js';
import { exam, predictionStream } from './prediction-stream.js';
import { runReducer, states, verdicts } from './run-reducer.js';

const OPEN = 0.02;
const bg = (durationS: number, pClosed = OPEN): Segment => ({ durationS, landmark: 'BG', pClosed });
const at = (landmark: 'LM1' | 'LM2', durationS: number, pClosed: number): Segment => ({ durationS, landmark, pClosed });
const run = (segments: Segment[]) =>
  runReducer(createCompressibility(defaultCompressibilityParams), exam(predictionStream(segments, { fps: 30, noise: 0, seed: 1 }))).outputs;
/** LM1 is reported on every frame from `fromMs` to `toMs`: the slide in between never became a loss. */
const reportedThroughout = (out: ReturnType<typeof run>, fromMs: number, toMs: number) =>
  states(out)
    .filter((s) => s.ptsMs >= fromMs && s.ptsMs <= toMs)
    .every((s) => s.landmark === 'LM1');

describe('compressibility: open and closed runs count only while the landmark is held', () => {
  it('a closure does not span a slide to background: two 0.3 s closures either side of it are not compressible', () => {
    const out = run([bg(1), at('LM1', 1.5, OPEN), at('LM1', 0.3, 1), bg(0.3, 1), at('LM1', 0.3, 1), at('LM1', 1.5, OPEN), bg(2)]);
    expect(reportedThroughout(out, 2600, 3400)).toBe(true);
    const [v] = verdicts(out);
    expect(v!.explain.join('\n')).toMatch(/no longer favoured by the smoother: closure interrupted/);
    expect(v!.verdict).toBe('inconclusive');
  });

  it('the same press held on the landmark throughout is compressible', () => {
    const [v] = verdicts(run([bg(1), at('LM1', 1.5, OPEN), at('LM1', 0.9, 1), at('LM1', 1.5, OPEN), bg(2)]));
    expect(v!.verdict).toBe('compressible');
  });

  it('an open vein seen during a slide to background is not the vein seen open at the landmark (openBeforeClosure)', () => {
    const out = run([bg(1), at('LM1', 1, 1), bg(0.3, OPEN), at('LM1', 1, 1), bg(2)]);
    expect(reportedThroughout(out, 1800, 2500)).toBe(true);
    const vs = verdicts(out);
    expect(vs.map((v) => v.verdict)).not.toContain('compressible');
  });
});
