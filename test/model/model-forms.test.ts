import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFormFile } from '../../src/model/model-forms.js';

describe('modelFormFile', () => {
  it('names each form of a model beside it', () => {
    expect(modelFormFile('m/autodvt.onnx', {})).toBe('m/autodvt.onnx');
    expect(modelFormFile('m/autodvt.onnx', { mode: 'streaming' })).toBe('m/autodvt.streaming.onnx');
    expect(modelFormFile('m/autodvt.onnx', { precision: 'int8' })).toBe('m/autodvt.int8.onnx');
    expect(modelFormFile('m/autodvt.onnx', { mode: 'streaming', precision: 'int8' })).toBe('m/autodvt.streaming.int8.onnx');
  });

  it('keeps what the name already says: a streaming or int8 file stays one', () => {
    expect(modelFormFile('a.streaming.onnx', { mode: 'window', precision: 'fp32' })).toBe('a.streaming.onnx');
    expect(modelFormFile('a.int8.onnx', { mode: 'streaming' })).toBe('a.streaming.int8.onnx');
    expect(modelFormFile('a.streaming.int8.onnx', { mode: 'streaming', precision: 'int8' })).toBe('a.streaming.int8.onnx');
  });

  it('uses a name that does not end in .onnx as it is', () => {
    expect(modelFormFile('model.ort', { mode: 'streaming', precision: 'int8' })).toBe('model.ort');
  });

  it('asking for the same form twice gives the same file as asking once', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z/._-]{1,20}$/),
        fc.constantFrom('window', 'streaming' as const),
        fc.constantFrom('fp32', 'int8' as const),
        (stem, mode, precision) => {
          const once = modelFormFile(`${stem}.onnx`, { mode: mode as 'window' | 'streaming', precision: precision as 'fp32' | 'int8' });
          expect(modelFormFile(once, { mode: mode as 'window' | 'streaming', precision: precision as 'fp32' | 'int8' })).toBe(once);
        },
      ),
    );
  });
});
