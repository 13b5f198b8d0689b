/**
 * The model-only floor: onnxruntime-node session.run on random input, with no
 * pipeline around it. Window mode at a batch size (stacks/s = frames/s, one window
 * per frame), streaming mode at batch 1 (frames/s, state fed back).
 */
import { readModelInfo } from '../model/model-info.js';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { cpuThreadSessionOptions } from '../model/cpu-thread-options.js';
import type { Provider } from '../model/open-session.js';

export interface ThroughputResult {
  perSecond: number;
  iterations: number;
  seconds: number;
  /** Mean time per run() call. */
  msPerCall: number;
  /** CPU of this process per stack (window) or frame, user + system, ms: every thread of the session. */
  cpuMsPerItem: number;
}

async function timeLoop(fn: () => Promise<void>, seconds: number, itemsPerCall: number): Promise<ThroughputResult> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || n < 5) {
    await fn();
    n++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    perSecond: (n * itemsPerCall) / elapsed,
    iterations: n,
    seconds: elapsed,
    msPerCall: (elapsed * 1000) / n,
    cpuMsPerItem: (cpu.user + cpu.system) / 1000 / (n * itemsPerCall),
  };
}

/** The model-only floors run on one execution provider alone (no fallback: a provider that cannot start throws). */
export async function windowModelThroughput(
  file: string,
  batch: number,
  seconds: number,
  threads = 0,
  spinWait = false,
  provider: Provider = 'cpu',
): Promise<ThroughputResult> {
  const ort = await import('onnxruntime-node');
  const info = readModelInfo(file);
  const session = await ort.InferenceSession.create(file, { executionProviders: [provider], ...cpuThreadSessionOptions({ threads, spinWait }) });
  const data = new Float32Array(batch * info.frames * info.height * info.width);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 0.5;
  const input = new ort.Tensor('float32', data, [batch, 1, info.frames, info.height, info.width]);
  try {
    return await timeLoop(async () => void (await session.run({ [info.inputName]: input })), seconds, batch);
  } finally {
    await session.release();
  }
}

export async function streamingModelThroughput(
  file: string,
  seconds: number,
  threads = 0,
  spinWait = false,
  provider: Provider = 'cpu',
): Promise<ThroughputResult> {
  const ort = await import('onnxruntime-node');
  const info = readModelInfo(file);
  if (!info.streaming) throw new Error(`${file} is not a streaming model`);
  const spec = info.streaming;
  const session: InferenceSession = await ort.InferenceSession.create(file, {
    executionProviders: [provider],
    ...cpuThreadSessionOptions({ threads, spinWait }),
  });
  const frame = new ort.Tensor(
    'float32',
    new Float32Array(info.height * info.width).map((_, i) => Math.cos(i) * 0.5),
    [1, 1, 1, info.height, info.width],
  );
  let state: Tensor[] = spec.state.map((s) => {
    const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
    return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  });
  try {
    return await timeLoop(
      async () => {
        const feeds: Record<string, Tensor> = { [spec.frame.name]: frame };
        spec.state.forEach((s, k) => (feeds[s.input] = state[k]!));
        const out = await session.run(feeds);
        state = spec.state.map((s) => out[s.output] as Tensor);
      },
      seconds,
      1,
    );
  } finally {
    await session.release();
  }
}
