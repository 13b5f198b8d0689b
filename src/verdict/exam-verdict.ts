/**
 * The verdict rules shared by the compressibility stage and everything that shows
 * verdicts (overlays, reports): from visit verdicts to a per-landmark verdict and the exam verdict.
 *
 * Per landmark, the most cautious verdict wins: one `not-compressible` visit makes
 * the landmark not compressible even if another visit closed the vein (a closure
 * the model imagined must not hide a vein that did not close), then `compressible`,
 * then `inconclusive`; a landmark with no visit is `not-examined`.
 */
import type { ExamVerdict, Landmark, VisitVerdict } from '../core/events.js';

/** The landmarks a visit (and a verdict) can be at. */
export type VisitLandmark = Exclude<Landmark, 'BG'>;

export type LandmarkVerdicts = Partial<Record<VisitLandmark, VisitVerdict>>;
export type LandmarkSummary = Record<VisitLandmark, VisitVerdict | 'not-examined'>;

const PRECEDENCE: Record<VisitVerdict, number> = { 'not-compressible': 3, compressible: 2, inconclusive: 1 };

/** Combine the verdict so far at a landmark with a new visit's verdict. */
export function mergeVisitVerdict(previous: VisitVerdict | undefined, next: VisitVerdict): VisitVerdict {
  return previous === undefined || PRECEDENCE[next] > PRECEDENCE[previous] ? next : previous;
}

/**
 * The exam verdict: any landmark not compressible -> refer; both compressible ->
 * negative at the examined landmarks; otherwise (a landmark not examined or only
 * inconclusive) -> incomplete.
 */
export function examVerdict(landmarks: LandmarkVerdicts): { verdict: ExamVerdict; landmarks: LandmarkSummary } {
  const summary: LandmarkSummary = {
    LM1: landmarks.LM1 ?? 'not-examined',
    LM2: landmarks.LM2 ?? 'not-examined',
  };
  let verdict: ExamVerdict;
  if (summary.LM1 === 'not-compressible' || summary.LM2 === 'not-compressible') {
    verdict = 'refer for specialist ultrasound';
  } else if (summary.LM1 === 'compressible' && summary.LM2 === 'compressible') {
    verdict = '2-point exam negative at the examined landmarks';
  } else {
    verdict = 'incomplete';
  }
  return { verdict, landmarks: summary };
}
