/**
 * Assign patients (never frames, never exams) to train / validation / test.
 *
 * Patients are ordered by a seeded hash of their key (as `splitBySubject` does), then
 * cut at the requested fractions, with at least one patient in validation and one in
 * test: a model card needs held-out patients, and the best epoch is chosen on
 * validation patients. Needs at least 3 patients. Deterministic for the same patients
 * and seed, whatever order they arrive in.
 */
import crypto from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { Split } from '../dataset/split-by-subject.js';

export interface SplitFractions {
  train: number;
  val: number;
}

export function splitPatients(patients: string[], fractions: SplitFractions, seed: number): Map<string, Split> {
  const unique = [...new Set(patients)];
  const n = unique.length;
  if (n < 3) {
    throw new InputError(`${n} patient${n === 1 ? '' : 's'} in the labelled data: need at least 3 (one each for training, validation and test)`, {
      scope: 'train:split',
      hint: 'label exams of more patients, or tell patients apart with --manifest (file,subject) or a subjectId in each sidecar',
    });
  }
  const order = unique
    .map((s) => ({ s, h: crypto.createHash('sha256').update(`${seed}:${s}`).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  const nVal = Math.max(1, Math.round(n * fractions.val));
  const nTest = Math.max(1, Math.round(n * (1 - fractions.train - fractions.val)));
  const nTrain = Math.max(1, n - nVal - nTest);
  const out = new Map<string, Split>();
  order.forEach(({ s }, i) => out.set(s, i < nTrain ? 'train' : i < nTrain + nVal ? 'val' : 'test'));
  return out;
}
