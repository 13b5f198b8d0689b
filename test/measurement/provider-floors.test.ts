import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureProviderFloors } from '../../src/measurement/provider-floors.js';
import { AutodvtError } from '../../src/core/errors.js';

const model = path.resolve('models/test/tiny-random.onnx');
const streaming = path.resolve('models/test/tiny-random.streaming.onnx');

describe('measureProviderFloors', () => {
  it('fails with the provider and the model named when the provider cannot start (no silent CPU run)', async () => {
    // DirectML exists only on Windows builds of onnxruntime-node.
    const run = measureProviderFloors(model, streaming, process.platform === 'win32' ? 'coreml' : 'dml', [1], 0.05);
    await expect(run).rejects.toBeInstanceOf(AutodvtError);
    await expect(run).rejects.toThrow(/execution provider (dml|coreml) cannot start .*tiny-random\.onnx/);
  });

  it('measures both columns at every batch size and streaming, with the output difference (CPU against itself: 0)', async () => {
    const floors = await measureProviderFloors(model, streaming, 'cpu', [1, 2], 0.05);
    expect(Object.keys(floors.window)).toEqual(['1', '2']);
    for (const pair of [...Object.values(floors.window), floors.streaming]) {
      expect(pair.cpu.perSecond).toBeGreaterThan(0);
      expect(pair.provider.perSecond).toBeGreaterThan(0);
      expect(pair.provider.iterations).toBeGreaterThanOrEqual(5);
    }
    expect(floors.maxAbsDiffVsCpu).toEqual({ window: 0, streaming: 0 });
  }, 60_000);
});
