import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuThreadSessionOptions } from '../../src/model/cpu-thread-options.js';
import { openSession } from '../../src/model/open-session.js';
import { findUnit } from '../../src/registry.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('onnxruntime CPU thread options', () => {
  it('idle threads sleep unless spinWait is set, and threads pass through', () => {
    expect(cpuThreadSessionOptions({})).toEqual({
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const spin = cpuThreadSessionOptions({ threads: 2, spinWait: true });
    expect(spin.intraOpNumThreads).toBe(2);
    expect(spin.extra).toEqual({ session: { intra_op: { allow_spinning: '1' }, inter_op: { allow_spinning: '1' } } });
  });

  it('the model stages default to sleeping threads', () => {
    for (const type of ['onnx-inference', 'saliency']) {
      const unit = findUnit('stage', type)!;
      expect(unit.schema.parse({}).spinWait, type).toBe(false);
      expect(unit.schema.parse({ spinWait: true }).spinWait, type).toBe(true);
    }
  });

  it('a session opens and runs with either setting', async () => {
    for (const spinWait of [false, true]) {
      const opened = await openSession(path.join(root, 'models/test/tiny-random.onnx'), { providers: ['cpu'], onFallback: 'error', spinWait, scope: 't' });
      expect(opened.provider).toBe('cpu');
      await opened.session.release();
    }
  });
});
