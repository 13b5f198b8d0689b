/**
 * Assign subjects to train/val/test so that no subject is in two splits: subjects
 * are ordered by a seeded hash of their id, then cut at the requested fractions.
 * Deterministic for the same subjects and seed, whatever order they arrived in.
 */
import crypto from 'node:crypto';

export type Split = 'train' | 'val' | 'test';

export function splitBySubject(subjects: string[], fractions: { train: number; val: number }, seed: number): Map<string, Split> {
  const unique = [...new Set(subjects)];
  const order = unique
    .map((s) => ({ s, h: crypto.createHash('sha256').update(`${seed}:${s}`).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  const n = order.length;
  const nTrain = Math.round(n * fractions.train);
  const nVal = Math.round(n * fractions.val);
  const out = new Map<string, Split>();
  order.forEach(({ s }, i) => out.set(s, i < nTrain ? 'train' : i < nTrain + nVal ? 'val' : 'test'));
  return out;
}
