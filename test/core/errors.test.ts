import { describe, expect, it } from 'vitest';
import { AutodvtError, ConfigError, formatError, InputError, placeError, tagError, type ConfigProblem } from '../../src/core/errors.js';

const missingModel: ConfigProblem = {
  file: 'p.yaml',
  line: 8,
  column: 12,
  path: 'stages[3].model',
  unitType: 'onnx-inference',
  message: 'no-such-model.onnx does not exist',
  severity: 'error',
};

describe('AutodvtError', () => {
  it('keeps its message free of the scope, which is a field', () => {
    const e = new InputError('the file is truncated', { scope: 'dicom', hint: 'download it again' });
    expect(e.message).toBe('the file is truncated');
    expect(e).toMatchObject({ scope: 'dicom', hint: 'download it again', category: 'input' });
    expect(e.exitCode).toBe(2);
  });

  it('says how many problems a ConfigError holds and keeps them as data', () => {
    const e = new ConfigError([missingModel, { path: 'sinks[0]', message: 'keeps data', severity: 'warning' }]);
    expect(e.summary).toBe('1 problem in the pipeline');
    // The message lists them too, for code that prints err.message; formatError does not print them twice.
    expect(e.message).toBe(
      '1 problem in the pipeline:\n✖ p.yaml:8:12 → stages[3].model (onnx-inference): no-such-model.onnx does not exist\n⚠ → sinks[0]: keeps data',
    );
    expect(formatError(e).split('no-such-model.onnx does not exist')).toHaveLength(2);
    expect(e.problems).toHaveLength(2);
  });
});

describe('tagError', () => {
  it('gives anything thrown the scope and path of the unit it came from', () => {
    const tagged = tagError(new Error('boom'), 'stage:resize', 'stages[1]');
    expect(tagged).toBeInstanceOf(AutodvtError);
    expect(tagged).toMatchObject({ message: 'boom', scope: 'stage:resize', path: 'stages[1]', category: 'runtime' });
  });

  it('keeps the scope an error already has, and its class', () => {
    const own = new InputError('not a video', { scope: 'video' });
    const tagged = tagError(own, 'source:video-file', 'source');
    expect(tagged).toBe(own);
    expect(tagged).toMatchObject({ message: 'not a video', scope: 'video', path: 'source' });
    expect(tagError(new AutodvtError('no scope yet'), 'stage:resize').scope).toBe('stage:resize');
  });
});

describe('placeError', () => {
  it('gives an error with a pipeline path the file:line of that path', () => {
    const e = placeError(new AutodvtError('cannot open', { scope: 'sink:json-log', path: 'sinks[1]' }), (p) => ({
      file: 'p.yaml',
      line: p === 'sinks[1]' ? 7 : 1,
      column: 5,
    }));
    expect(e).toMatchObject({ file: 'p.yaml', line: 7, column: 5, path: 'sinks[1]' });
    const unplaced = new AutodvtError('no path');
    expect(placeError(unplaced, () => ({ file: 'p.yaml', line: 1 })).line).toBeUndefined();
  });
});

describe('formatError', () => {
  it('shows the scope once, then where, then the hint', () => {
    const e = new AutodvtError('cannot open x.jsonl', {
      scope: 'sink:json-log',
      hint: 'pick a folder you can write',
      path: 'sinks[1]',
      file: 'p.yaml',
      line: 7,
      column: 5,
    });
    expect(formatError(e)).toBe('[sink:json-log] cannot open x.jsonl\n  in p.yaml:7:5 → sinks[1]\nhint: pick a folder you can write');
    expect(formatError(tagError(e, 'pipeline')).match(/\[sink:json-log\]/g)).toHaveLength(1);
  });

  it("lists a ConfigError's problems with their file:line", () => {
    expect(formatError(new ConfigError([missingModel]))).toBe(
      '1 problem in the pipeline:\n✖ p.yaml:8:12 → stages[3].model (onnx-inference): no-such-model.onnx does not exist',
    );
  });

  it('fits on one line for progress lines and logs', () => {
    const e = new AutodvtError('stalled', { scope: 'stage:onnx-inference', hint: 'not shown', path: 'stages[4]' });
    expect(formatError(e, { oneLine: true })).toBe('[stage:onnx-inference] stalled (in stages[4])');
    expect(formatError(new ConfigError([missingModel]), { oneLine: true })).toBe(
      '1 problem in the pipeline: ✖ p.yaml:8:12 → stages[3].model (onnx-inference): no-such-model.onnx does not exist',
    );
  });

  it('reads the same fields as data, and shows anything else by its message', () => {
    expect(formatError({ message: 'decode failed', scope: 'video', category: 'input' })).toBe('[video] decode failed');
    expect(formatError(Object.assign(new Error('ENOENT'), { path: '/x' }))).toBe('ENOENT');
    expect(formatError('plain')).toBe('plain');
  });
});
