import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelHash, modelsOf } from '../../src/batch/hashes.js';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('batch model hash', () => {
  it('covers every model file a stage loads, the saliency model included', () => {
    const config = requireValid(
      parsePipeline(
        'source: { type: synthetic }\nstages: [ { type: crop-pad }, { type: resize }, { type: sliding-window }, { type: saliency }, { type: onnx-inference } ]\nsinks: [ { type: console } ]\n',
        { env: {}, baseDir: root },
      ),
    );
    const files = modelsOf(config, root).map((m) => path.relative(root, m.file));
    expect(files).toEqual(['models/autodvt.gradcam.onnx', 'models/autodvt.onnx']);
  });

  it('changes when the saliency model is replaced by another file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-hash-'));
    fs.copyFileSync(path.join(root, 'models/autodvt.gradcam.onnx'), path.join(dir, 'a.gradcam.onnx'));
    const bytes = fs.readFileSync(path.join(root, 'models/autodvt.gradcam.onnx'));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff; // same graph and metadata, one byte of the weights changed
    fs.writeFileSync(path.join(dir, 'b.gradcam.onnx'), bytes);
    const hashWith = (model: string) =>
      modelHash(
        modelsOf(
          requireValid(
            parsePipeline(
              `source: { type: synthetic }\nstages: [ { type: crop-pad }, { type: resize }, { type: sliding-window }, { type: saliency, model: ${model} }, { type: onnx-inference, model: ${path.join(root, 'models/autodvt.onnx')} } ]\nsinks: [ { type: console } ]\n`,
              { env: {}, baseDir: dir },
            ),
          ),
          dir,
        ),
      );
    expect(hashWith('a.gradcam.onnx')).not.toBe(hashWith('b.gradcam.onnx'));
  });
});
