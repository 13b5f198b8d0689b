import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/dataset/read-npy.js';
import { splitBySubject } from '../../src/dataset/split-by-subject.js';
import { datasetSink } from '../../src/sinks/dataset.js';
import type { PipelineEvent } from '../../src/core/events.js';
import { grayFrame } from '../helpers/frames.js';
import { testContext } from '../helpers/test-context.js';

function exam(id: string, subject: string, n: number): PipelineEvent[] {
  const frames = Array.from({ length: n }, (_, i) => {
    const f = grayFrame(i, 6, 4, (x, y) => (x + y * 6 + i) & 255, id);
    return { ...f, source: { ...f.source, subjectId: subject }, labels: { landmark: (['BG', 'LM1', 'LM2'] as const)[i % 3], open: i % 2 === 0 } };
  });
  return [{ kind: 'exam-start', examId: id, uri: 'x' }, ...frames, { kind: 'exam', examId: id, uri: 'x', frames: n, durationMs: n * 33 }];
}

describe('dataset sink', () => {
  it('writes one .npy per exam with its labels and an index split by subject', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-ds-'));
    const op = await datasetSink.build({ path: 'ds', train: 0.6, val: 0.2 }, testContext({ baseDir: dir }));
    const events = [...exam('e1', 's1', 5), ...exam('e2', 's1', 3), ...exam('e3', 's2', 4)];
    await firstValueFrom(from(events).pipe(op, toArray()));
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'ds/index.json'), 'utf8'));
    expect(index).toMatchObject({ format: 'autodvt-dataset', version: 1, frameSize: [4, 6] });
    expect(index.exams.map((e: { frames: number }) => e.frames)).toEqual([5, 3, 4]);
    expect(index.exams[0].landmark).toEqual([0, 1, 2, 0, 1]);
    expect(index.exams[0].open).toEqual([1, 0, 1, 0, 1]);
    expect(index.exams[0].split).toBe(index.exams[1].split); // same subject, same split
    const npy = readNpy(path.join(dir, 'ds', index.exams[0].file));
    expect(npy.shape).toEqual([5, 4, 6]);
    expect(Array.from(npy.data.subarray(24, 48))).toEqual(Array.from((events[2] as { pixels: Uint8Array }).pixels));
  });
});

describe('splitBySubject', () => {
  it('never puts one subject in two splits and is independent of arrival order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 }), fc.integer(), (subjects, seed) => {
        const a = splitBySubject(subjects, { train: 0.6, val: 0.2 }, seed);
        const b = splitBySubject([...subjects].reverse(), { train: 0.6, val: 0.2 }, seed);
        expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
        expect(a.size).toBe(new Set(subjects).size);
      }),
    );
  });

  it('cuts at the requested fractions', () => {
    const subjects = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const counts = { train: 0, val: 0, test: 0 };
    for (const split of splitBySubject(subjects, { train: 0.6, val: 0.2 }, 1).values()) counts[split]++;
    expect(counts).toEqual({ train: 30, val: 10, test: 10 });
  });
});
