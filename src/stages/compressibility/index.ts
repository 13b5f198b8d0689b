/**
 * compressibility — from flickering per-frame predictions to a stable answer per
 * landmark visit and per exam.
 *
 * Consumes
 *   prediction   landmark probabilities {BG, LM1, LM2}, pClosed, ptsMs, examId
 *   exam-start   resets what the stage knows about that exam
 *   exam         end of the exam: closes the open visit
 * Emits (after the event that caused them; every other event passes through unchanged)
 *   state        one per prediction: reported landmark and vein state, smoothed
 *                probabilities, and `reason` on frames where the landmark, the vein
 *                or a visit changed
 *   verdict      one per landmark visit when it ends (landmark lost for longer than
 *                graceS, another landmark's visit starts, a frame gap, or the exam ends):
 *                compressible / not-compressible / inconclusive, with an `explain` trace
 *   exam         the incoming exam event with `verdict`, `landmarks` and `disclaimer`
 *
 * Parameters (all durations in seconds of presentation time, so they mean the same
 * at any frame rate; defaults and bounds in params.ts)
 *   smoother              hmm | ema | hysteresis                     (hmm)
 *   landmarkDwellS        hmm: expected dwell on a landmark           (2)
 *   veinDwellS            hmm: expected dwell open or closed          (0.75)
 *   evidenceS             hmm: video time worth one observation       (0.2)
 *   emaS                  ema: time constant                          (0.2)
 *   enter, exit           hysteresis thresholds                       (0.7, 0.4)
 *   commitS               minimum dwell before a state is reported    (0.2)
 *   minVisitS, graceS     visit starts / ends                         (0.5, 1)
 *   minClosedS            closure that makes a visit compressible     (0.3)
 *   notCompressibleAfterS  held time without closure -> not compressible (3)
 *   minCycles             compression cycles without closure -> not compressible (2)
 *   levelS, cycleDelta    pClosed level that counts cycles            (0.2, 0.2)
 *   uncertainBand, maxUncertainFraction   "too noisy"                 (0.25, 0.7)
 *   closedLevel, closedHoldLevel   pClosed a closure must reach, and stay at (two-level) (0.9, 0.7)
 *   closedLevelHold       how a closure's level counts: peak | sustained | two-level (two-level)
 *   unclearClosure        a closure that never reached its level: not-closed | inconclusive (not-closed)
 *   openBeforeClosure     a closure counts only after the vein was seen open at the visit (true)
 *   notCompressibleNeedsOpen  not-compressible only after the vein was seen open (true)
 *   maxGapS               longest frame interval used for smoothing   (0.5)
 *
 * Unknown predictions (`inDistribution.unknown`) are frames that never came; an exam whose
 * scored windows are mostly unknown ends `incomplete`, "images unlike the model's training data".
 * Open and closed runs count only over held frames: an unknown window, or a frame on which the
 * smoother already favours another landmark, ends a closure under way, and runs count again
 * from the next held frame.
 *
 * Example
 *   stages:
 *     - type: compressibility
 *       smoother: hmm
 *       minClosedS: 0.3
 *       notCompressibleAfterS: 5
 *
 * Notes: research software, not a medical device; every verdict and exam event
 * carries the disclaimer. See docs/compressibility.md for the state diagram and the
 * measured lag of each smoother.
 */
import { defineStage } from '../../core/unit.js';
import { compressibilityOperator } from './operator.js';
import { compressibilitySchema } from './params.js';

export const compressibilityStage = defineStage({
  type: 'compressibility',
  events: { needs: ['prediction'], adds: ['state', 'verdict'] },
  summary: 'Smooths landmark and open/closed predictions and gives a verdict per landmark visit and per exam.',
  schema: compressibilitySchema,
  example: {
    type: 'compressibility',
    smoother: 'hmm',
    landmarkDwellS: 2,
    veinDwellS: 0.75,
    commitS: 0.2,
    minVisitS: 0.5,
    graceS: 1,
    minClosedS: 0.3,
    notCompressibleAfterS: 5,
    minCycles: 2,
  },
  build(config) {
    return compressibilityOperator(config);
  },
});

export { compressibilityOperator } from './operator.js';
export { compressibilitySchema, defaultCompressibilityParams } from './params.js';
export type { CompressibilityParams } from './params.js';
export { createCompressibility } from './reducer.js';
export type { Compressibility, CompressibilityState, LiveExamVerdict } from './reducer.js';
export { examVerdict, mergeVisitVerdict } from '../../verdict/exam-verdict.js';
