import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLabelInputs } from '../../src/label/label-inputs.js';
import { DEFAULT_PRELABEL_STAGES, validatePrelabelStages } from '../../src/label/loop-predictions.js';
import { AutodvtError } from '../../src/core/errors.js';

const root = path.resolve(import.meta.dirname, '../..');
const videoDir = path.join(root, 'test/fixtures/video');

describe('label inputs', () => {
  it('lists every DICOM and video file of a folder, sorted, named relative to it', async () => {
    const inputs = await resolveLabelInputs(videoDir);
    const expected = fs
      .readdirSync(videoDir)
      .filter((f) => !f.endsWith('.labels.json'))
      .sort();
    expect(inputs.loops.map((l) => l.name)).toEqual(expected);
    expect(inputs.loops.map((l) => l.id)).toEqual(expected.map((_, i) => i));
    expect(inputs.textRemoval).toEqual({ type: 'text-removal' });
    expect(inputs.prelabelStages).toBe(DEFAULT_PRELABEL_STAGES);
  });

  it("takes a pipeline file's source, text-removal settings and stages up to its onnx-inference", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-label-inputs-'));
    const file = path.join(dir, 'p.yaml');
    fs.writeFileSync(
      file,
      `source:\n  type: video-file\n  path: ${videoDir}/philips_color_doppler_20frames.mov\nstages:\n  - type: text-removal\n    fill: black\n  - type: crop-pad\n    size: 600\n  - type: resize\n    size: 150\n  - type: sliding-window\n    size: 9\n  - type: onnx-inference\n  - type: compressibility\nsinks:\n  - type: console\n`,
    );
    const inputs = await resolveLabelInputs(file);
    expect(inputs.loops).toEqual([{ id: 0, name: 'philips_color_doppler_20frames.mov', file: path.join(videoDir, 'philips_color_doppler_20frames.mov') }]);
    expect(inputs.textRemoval).toMatchObject({ type: 'text-removal', fill: 'black' });
    expect(inputs.prelabelStages!.map((s) => s.type)).toEqual(['crop-pad', 'resize', 'sliding-window', 'onnx-inference']);
    expect(inputs.baseDir).toBe(dir);
  });

  it('refuses a missing path, a dicomweb pipeline and a missing model with an input error (exit 2)', async () => {
    await expect(resolveLabelInputs('/no/such/folder')).rejects.toThrow(/no such file or folder/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-label-inputs-'));
    const file = path.join(dir, 'web.yaml');
    fs.writeFileSync(file, 'source:\n  type: dicomweb\n  url: http://127.0.0.1:1/dicom-web\nsinks:\n  - type: console\n');
    const err = await resolveLabelInputs(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutodvtError);
    expect((err as AutodvtError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/unsupported: .*dicomweb source in the labeller/);
    expect(() => validatePrelabelStages([{ type: 'onnx-inference', model: 'nope.onnx' }], dir)).toThrow(/nope\.onnx: no such model file/);
  });
});
