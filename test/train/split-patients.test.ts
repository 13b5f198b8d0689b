import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPatients } from '../../src/train/split-patients.js';
import { InputError } from '../../src/core/errors.js';

describe('splitPatients', () => {
  it('never puts one patient in two splits, whatever the exams, and keeps every split non-empty', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 80 }), fc.integer(), (examPatients, seed) => {
        const keys = examPatients.map((p) => `p${p}`);
        fc.pre(new Set(keys).size >= 3);
        const split = splitPatients(keys, { train: 0.6, val: 0.2 }, seed);
        // one split per patient key: every exam of a patient lands in the same split
        const perExam = keys.map((k) => split.get(k));
        keys.forEach((k, i) => expect(perExam[i]).toBe(split.get(k)));
        expect(split.size).toBe(new Set(keys).size);
        const used = new Set(split.values());
        expect(used).toEqual(new Set(['train', 'val', 'test']));
      }),
    );
  });

  it('gives the same split whatever order the patients arrive in', () => {
    const patients = Array.from({ length: 12 }, (_, i) => `patient-${i}`);
    const a = splitPatients(patients, { train: 0.6, val: 0.2 }, 5);
    const b = splitPatients([...patients].reverse(), { train: 0.6, val: 0.2 }, 5);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('cuts ten patients 6 / 2 / 2', () => {
    const split = splitPatients(
      Array.from({ length: 10 }, (_, i) => `s${i}`),
      { train: 0.6, val: 0.2 },
      0,
    );
    const count = (s: string) => [...split.values()].filter((v) => v === s).length;
    expect([count('train'), count('val'), count('test')]).toEqual([6, 2, 2]);
  });

  it('refuses fewer than three patients with an input error that says what to do', () => {
    expect(() => splitPatients(['a', 'a', 'b'], { train: 0.6, val: 0.2 }, 0)).toThrow(InputError);
    expect(() => splitPatients(['a', 'b'], { train: 0.6, val: 0.2 }, 0)).toThrow(/need at least 3/);
  });
});
