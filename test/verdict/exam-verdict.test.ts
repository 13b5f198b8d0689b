import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VisitVerdict } from '../../src/core/events.js';
import { examVerdict, mergeVisitVerdict } from '../../src/verdict/exam-verdict.js';

const visitVerdict = fc.constantFrom<VisitVerdict>('compressible', 'not-compressible', 'inconclusive');

describe('exam verdict', () => {
  it.each([
    [{ LM1: 'compressible', LM2: 'compressible' }, '2-point exam negative at the examined landmarks'],
    [{ LM1: 'compressible', LM2: 'not-compressible' }, 'refer for specialist ultrasound'],
    [{ LM1: 'not-compressible' }, 'refer for specialist ultrasound'],
    [{ LM1: 'compressible' }, 'incomplete'],
    [{ LM1: 'compressible', LM2: 'inconclusive' }, 'incomplete'],
    [{}, 'incomplete'],
  ] as const)('%j gives "%s"', (landmarks, expected) => {
    expect(examVerdict(landmarks).verdict).toBe(expected);
  });

  it('names both landmarks, not-examined where there was no visit', () => {
    expect(examVerdict({ LM2: 'inconclusive' }).landmarks).toEqual({ LM1: 'not-examined', LM2: 'inconclusive' });
  });

  it('one not-compressible visit at a landmark outweighs any number of compressible ones, in any order', () => {
    fc.assert(
      fc.property(fc.array(visitVerdict, { minLength: 1 }), (visits) => {
        const merged = visits.reduce<VisitVerdict | undefined>(mergeVisitVerdict, undefined);
        const expected = visits.includes('not-compressible') ? 'not-compressible' : visits.includes('compressible') ? 'compressible' : 'inconclusive';
        expect(merged).toBe(expected);
      }),
    );
  });

  it('is never negative unless both landmarks are compressible', () => {
    fc.assert(
      fc.property(fc.option(visitVerdict, { nil: undefined }), fc.option(visitVerdict, { nil: undefined }), (LM1, LM2) => {
        const negative = examVerdict({ LM1, LM2 }).verdict === '2-point exam negative at the examined landmarks';
        expect(negative).toBe(LM1 === 'compressible' && LM2 === 'compressible');
      }),
    );
  });
});
