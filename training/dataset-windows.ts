/**
 * Dataset windows through onnxruntime-node, a batch at a time: what training/window_features.ts
 * (features for fit_in_distribution.py) and training/activation_ranges.ts (int8 calibration
 * for quantize_int8.py) share. A window is `[frames .npy file, index of its newest frame]`;
 * its T frames are normalised with the model's table ((p * scale - mean) / std) into a
 * [batch, 1, T, H, W] float32 input.
 */
import * as ort from 'onnxruntime-node';
import { readNpy } from '../src/dataset/read-npy.js';

export interface WindowJob {
  model: string;
  normalization: { scale: number; mean: number; std: number };
  frames: number;
  items: [string, number][];
  batch?: number;
  threads?: number;
}

/** Run every window of the job through its model, yielding each batch's outputs (only `outputs` when given). */
export async function* windowBatches(
  job: WindowJob,
  defaultBatch: number,
  outputs?: string[],
): AsyncGenerator<{ done: number; results: ort.InferenceSession.ReturnType }> {
  const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: job.threads ?? 2, graphOptimizationLevel: 'all' });
  const batch = job.batch ?? defaultBatch;
  const T = job.frames;
  const { scale, mean, std } = job.normalization;
  const table = Float32Array.from({ length: 256 }, (_, p) => (p * scale - mean) / std);
  const cache = new Map<string, { shape: number[]; data: Uint8Array }>();
  const framesOf = (file: string) => {
    let f = cache.get(file);
    if (!f) {
      if (cache.size > 4) cache.clear();
      f = readNpy(file) as { shape: number[]; data: Uint8Array };
      cache.set(file, f);
    }
    return f;
  };
  for (let i = 0; i < job.items.length; i += batch) {
    const items = job.items.slice(i, i + batch);
    const [, H, W] = framesOf(items[0]![0]).shape as [number, number, number];
    const plane = H * W;
    const x = new Float32Array(items.length * T * plane);
    items.forEach(([file, end], b) => {
      const { data } = framesOf(file);
      const first = (end - T + 1) * plane;
      for (let k = 0; k < T * plane; k++) x[b * T * plane + k] = table[data[first + k]!]!;
    });
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', x, [items.length, 1, T, H, W]) };
    const results = outputs ? await session.run(feeds, outputs) : await session.run(feeds);
    yield { done: i + items.length, results };
  }
}
