import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { examSinks, keptSinkIndices, skippedSinks, skippedSinksWarning } from '../../src/batch/exam-sinks.js';
import { sinks as registered } from '../../src/sinks/index.js';

const dir = '/runs/x/exams/a.dcm';

describe('sinks of one exam in a batch run', () => {
  it("moves every file or folder a sink writes into the exam's folder, keeping its basename", () => {
    const out = examSinks(
      [
        { type: 'json-log', path: 'out/events.ndjson', kinds: ['prediction'] },
        { type: 'frames', path: '/abs/frames' },
        { type: 'dataset', path: 'out/ds' },
        { type: 'evaluate', path: 'out/eval', print: true },
        { type: 'overlay-video', path: 'out/overlay/{examId}.mp4' },
        { type: 'report', dir: 'out/reports' },
      ],
      dir,
    );
    expect(out).toEqual([
      { type: 'json-log', path: path.join(dir, 'events.ndjson'), kinds: ['prediction'] },
      { type: 'frames', path: path.join(dir, 'frames') },
      { type: 'dataset', path: path.join(dir, 'ds') },
      { type: 'evaluate', path: path.join(dir, 'eval'), print: true },
      { type: 'overlay-video', path: path.join(dir, '{examId}.mp4') },
      { type: 'report', dir: path.join(dir, 'reports') },
    ]);
  });

  it('keeps two outputs with one basename apart, and leaves an unset optional output unset', () => {
    const out = examSinks(
      [
        { type: 'json-log', path: 'a/events.ndjson' },
        { type: 'json-log', path: 'b/events.ndjson' },
        { type: 'evaluate', print: false },
      ],
      dir,
    );
    expect(out.map((s) => s.path)).toEqual([path.join(dir, 'events.ndjson'), path.join(dir, '1-events.ndjson'), undefined]);
  });

  it('leaves out the console, the hud and json-log to standard output, and names them in one warning', () => {
    const sinks = [{ type: 'console' }, { type: 'json-log', path: '-' }, { type: 'hud', port: 8750 }, { type: 'evaluate' }];
    expect(examSinks(sinks, dir).map((s) => s.type)).toEqual(['evaluate']);
    expect(keptSinkIndices(sinks)).toEqual([3]); // where the kept sink stands in the file, for naming problems
    const skipped = skippedSinks(sinks);
    expect(skipped.map((s) => `${s.path} ${s.type}`)).toEqual(['sinks[0] console', 'sinks[1] json-log', 'sinks[2] hud']);
    expect(skippedSinksWarning(skipped)).toMatch(
      /^\[batch\] not run per exam: sinks\[0\] console \(the batch progress bar owns the terminal\); sinks\[1\] json-log \(it writes to standard output/,
    );
    expect(skippedSinksWarning([])).toBeUndefined();
  });

  it('every registered sink says how it runs per exam, naming only keys its schema has', () => {
    for (const sink of registered) {
      if ('paths' in sink.perExam) for (const key of sink.perExam.paths) expect(Object.keys(sink.schema.shape), `${sink.type}.${key}`).toContain(key);
      else expect(sink.perExam.skip.length).toBeGreaterThan(0);
    }
  });
});
