/**
 * fast-check arbitraries for whole exams: visits separated by time off the
 * landmarks, each visit of a kind whose verdict is known. Durations stay well away
 * from the default thresholds (minVisitS 0.5, graceS 1, minClosedS 0.3,
 * notCompressibleAfterS 5, commitS 0.2), so a verdict cannot hinge on one frame.
 */
import fc from 'fast-check';
import type { VisitVerdict } from '../../../src/core/events.js';
import type { Segment } from './prediction-stream.js';

export type VisitPlan =
  | { kind: 'compress'; landmark: 'LM1' | 'LM2'; beforeS: number; closedS: number; afterS: number }
  | { kind: 'thrombus'; landmark: 'LM1' | 'LM2'; heldS: number; blipS?: number }
  | { kind: 'partial'; landmark: 'LM1' | 'LM2'; presses: number }
  | { kind: 'brief'; landmark: 'LM1' | 'LM2'; heldS: number };

export interface ExamPlan {
  visits: { gapS: number; visit: VisitPlan }[];
  tailS: number;
}

const landmark = fc.constantFrom<'LM1' | 'LM2'>('LM1', 'LM2');
const s = (min: number, max: number) => fc.double({ min, max, noNaN: true });

export const visitPlan: fc.Arbitrary<VisitPlan> = fc.oneof(
  fc.record({ kind: fc.constant('compress' as const), landmark, beforeS: s(0.8, 2), closedS: s(0.9, 1.5), afterS: s(0.8, 2) }),
  fc.record(
    {
      kind: fc.constant('thrombus' as const),
      landmark,
      heldS: fc.oneof(s(1, 3.5), s(6.5, 9)),
      blipS: s(0.1, 0.4),
    },
    { requiredKeys: ['kind', 'landmark', 'heldS'] },
  ),
  fc.record({ kind: fc.constant('partial' as const), landmark, presses: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('brief' as const), landmark, heldS: s(0.05, 0.25) }),
);

export const examPlan: fc.Arbitrary<ExamPlan> = fc.record({
  visits: fc.array(fc.record({ gapS: s(2, 3), visit: visitPlan }), { minLength: 1, maxLength: 5 }),
  tailS: s(2, 3),
});

const OPEN = 0.05;
/** A press that moves pClosed (by more than cycleDelta) but does not close the vein, below the uncertain band. */
export const PARTIAL = 0.33;

export function visitSegments(v: VisitPlan): Segment[] {
  const at = (durationS: number, pClosed: number): Segment => ({ durationS, landmark: v.landmark, pClosed });
  switch (v.kind) {
    case 'compress':
      return [at(v.beforeS, OPEN), at(v.closedS, 0.9), at(v.afterS, OPEN)];
    case 'thrombus':
      // Only long visits get a blip: halves of a short one could each be shorter than a visit.
      if (v.blipS === undefined || v.heldS < 5) return [at(v.heldS, OPEN)];
      return [at(v.heldS / 2, OPEN), { durationS: v.blipS, landmark: 'BG', pClosed: OPEN }, at(v.heldS / 2, OPEN)];
    case 'partial': {
      const out = [at(0.8, OPEN)];
      for (let i = 0; i < v.presses; i++) out.push(at(0.8, PARTIAL), at(0.8, OPEN));
      return out;
    }
    case 'brief':
      return [at(v.heldS, OPEN)];
  }
}

export function examSegments(plan: ExamPlan): Segment[] {
  return [
    ...plan.visits.flatMap(({ gapS, visit }) => [{ durationS: gapS, landmark: 'BG' as const, pClosed: OPEN }, ...visitSegments(visit)]),
    { durationS: plan.tailS, landmark: 'BG', pClosed: OPEN },
  ];
}

/** The verdict each planned visit should get with the default parameters (none for a brief look). */
export function expectedVerdict(v: VisitPlan): VisitVerdict | undefined {
  switch (v.kind) {
    case 'compress':
      return 'compressible';
    case 'thrombus':
      return v.heldS > 5 ? 'not-compressible' : 'inconclusive';
    case 'partial':
      return v.presses >= 2 ? 'not-compressible' : 'inconclusive';
    case 'brief':
      return undefined;
  }
}
