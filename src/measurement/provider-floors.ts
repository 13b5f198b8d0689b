/**
 * Model-only floors on a second execution provider (webgpu, cuda, ...) beside the CPU
 * provider, in the same run: window mode at batch 1, N and 16, streaming mode at batch 1,
 * and how far the provider's outputs are from the CPU's on the same input (a GPU kernel
 * that computes something else would otherwise pass as "fast").
 *
 * The provider is opened alone, with no fallback: if it cannot start, the bench fails
 * and says why, rather than timing the CPU twice.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { readModelInfo } from '../model/model-info.js';
import type { Provider } from '../model/open-session.js';
import { onnxruntime } from '../model/onnxruntime.js';
import { AutodvtError } from '../core/errors.js';
import { streamingModelThroughput, windowModelThroughput, type ThroughputResult } from './model-throughput.js';

export interface ProviderFloors {
  provider: Provider;
  batches: number[];
  /** Per batch size (as a string key), the CPU provider and the other one. */
  window: Record<string, { cpu: ThroughputResult; provider: ThroughputResult }>;
  streaming: { cpu: ThroughputResult; provider: ThroughputResult };
  /** Largest absolute difference between the provider's outputs and the CPU's (all outputs, same input). */
  maxAbsDiffVsCpu: { window: number; streaming: number };
}

export async function measureProviderFloors(
  model: string,
  streamingModel: string,
  provider: Provider,
  batches: number[],
  seconds: number,
  log: (line: string) => void = () => {},
): Promise<ProviderFloors> {
  await assertProviderStarts(model, provider);
  log(`${provider}: output parity with the CPU provider ...`);
  const maxAbsDiffVsCpu = { window: await windowParity(model, provider), streaming: await streamingParity(streamingModel, provider) };
  const window: ProviderFloors['window'] = {};
  for (const b of batches) {
    log(`${provider}: model only, window batch ${b}, CPU then ${provider} ...`);
    window[String(b)] = {
      cpu: await windowModelThroughput(model, b, seconds),
      provider: await windowModelThroughput(model, b, seconds, 0, false, provider),
    };
  }
  log(`${provider}: model only, streaming batch 1, CPU then ${provider} ...`);
  const streaming = {
    cpu: await streamingModelThroughput(streamingModel, seconds),
    provider: await streamingModelThroughput(streamingModel, seconds, 0, false, provider),
  };
  return { provider, batches, window, streaming, maxAbsDiffVsCpu };
}

async function assertProviderStarts(model: string, provider: Provider): Promise<void> {
  const ort = await onnxruntime();
  try {
    const s = await ort.InferenceSession.create(model, { executionProviders: [provider] });
    await s.release();
  } catch (err) {
    throw new AutodvtError(`execution provider ${provider} cannot start ${model}: ${(err as Error).message.split('\n')[0]}`, {
      scope: 'bench',
      category: 'config',
      hint: provider === 'webgpu' ? 'webgpu needs a GPU with a Vulkan driver and the Vulkan loader (libvulkan.so.1) on Linux' : undefined,
    });
  }
}

async function session(file: string, provider: Provider): Promise<InferenceSession> {
  const ort = await onnxruntime();
  return ort.InferenceSession.create(file, { executionProviders: [provider] });
}

function maxAbsDiff(a: Record<string, Tensor>, b: Record<string, Tensor>): number {
  let worst = 0;
  for (const [name, t] of Object.entries(a)) {
    const x = t.data as Float32Array;
    const y = b[name]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

async function windowParity(file: string, provider: Provider): Promise<number> {
  const ort = await onnxruntime();
  const info = readModelInfo(file);
  const batch = 4;
  const data = new Float32Array(batch * info.frames * info.height * info.width).map((_, i) => Math.sin(i * 0.37) * 0.8);
  const feeds = { [info.inputName]: new ort.Tensor('float32', data, [batch, 1, info.frames, info.height, info.width]) };
  const cpu = await session(file, 'cpu');
  const other = await session(file, provider);
  try {
    return maxAbsDiff(await cpu.run(feeds), await other.run(feeds));
  } finally {
    await cpu.release();
    await other.release();
  }
}

/** 12 frames through both (the 8-frame warm-up and 4 more); the difference over every frame's outputs and state. */
async function streamingParity(file: string, provider: Provider): Promise<number> {
  const ort = await onnxruntime();
  const info = readModelInfo(file);
  const spec = info.streaming;
  if (!spec) throw new AutodvtError(`${file} is not a streaming model`, { scope: 'bench', category: 'config' });
  const cpu = await session(file, 'cpu');
  const other = await session(file, provider);
  const zeros = () =>
    spec.state.map((s) => {
      const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
      return new ort.Tensor('float32', new Float32Array(dims.reduce((p, q) => p * q, 1)), dims);
    });
  let stateCpu: Tensor[] = zeros();
  let stateOther: Tensor[] = zeros();
  let worst = 0;
  try {
    for (let f = 0; f < 12; f++) {
      const frame = new ort.Tensor(
        'float32',
        new Float32Array(info.height * info.width).map((_, i) => Math.cos(i * 0.11 + f) * 0.8),
        [1, 1, 1, info.height, info.width],
      );
      const feeds = (state: Tensor[]) => {
        const out: Record<string, Tensor> = { [spec.frame.name]: frame };
        spec.state.forEach((s, k) => (out[s.input] = state[k]!));
        return out;
      };
      const a = await cpu.run(feeds(stateCpu));
      const b = await other.run(feeds(stateOther));
      worst = Math.max(worst, maxAbsDiff(a, b));
      stateCpu = spec.state.map((s) => a[s.output] as Tensor);
      stateOther = spec.state.map((s) => b[s.output] as Tensor);
    }
    return worst;
  } finally {
    await cpu.release();
    await other.release();
  }
}
