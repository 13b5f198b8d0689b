import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuThreadSessionOptions } from '../../src/model/cpu-thread-options.js';
import { readModelInfo } from '../../src/model/model-info.js';
import { openSession } from '../../src/model/open-session.js';
import { findUnit } from '../../src/core/registry.js';

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

  it('a session opens and runs with either setting, with the same outputs', async () => {
    const file = path.join(root, 'models/test/tiny-random.onnx');
    const info = readModelInfo(file);
    const ort = await import('onnxruntime-node');
    const input = new ort.Tensor('float32', new Float32Array(info.frames * info.height * info.width).fill(0.25), [1, 1, info.frames, info.height, info.width]);
    const outputs: number[][] = [];
    for (const spinWait of [false, true]) {
      const opened = await openSession(file, { providers: ['cpu'], onFallback: 'error', spinWait, scope: 't' });
      expect(opened.provider).toBe('cpu');
      const out = await opened.session.run({ [info.inputName]: input });
      outputs.push([...(out.vein!.data as Float32Array)]);
      await opened.session.release();
    }
    expect(outputs[0]).toHaveLength(2);
    expect(outputs[1]).toEqual(outputs[0]);
  });
});
