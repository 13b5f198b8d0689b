// Training smoke test: runs training/smoke_test.sh (fake dataset, a few CPU steps, ONNX export)
// with /usr/bin/python3, then checks in onnxruntime-node that the exported window and streaming
// models reproduce the PyTorch reference outputs (max abs diff <= 1e-4). Also checks the
// committed random-init fixture models/test/tiny-random*.onnx the same way (no Python needed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = '/usr/bin/python3';
const TOL = 1e-4;

function readNpyFloat32(path: string): { data: Float32Array; shape: number[] } {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${path}: expected little-endian float32, got ${header}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: fortran order not supported`);
  const m = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!m) throw new Error(`${path}: no shape in header`);
  const shape = m[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const off = start + headerLen;
  const bytes = buf.subarray(off);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
  return { data, shape };
}

function maxAbsDiff(a: ArrayLike<number>, b: number[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

async function checkWindowModel(onnxPath: string): Promise<number> {
  const stem = onnxPath.replace(/\.onnx$/, '');
  const ref = JSON.parse(readFileSync(`${stem}.reference.json`, 'utf8'));
  const { data, shape } = readNpyFloat32(join(dirname(onnxPath), ref.input.file));
  expect(shape).toEqual(ref.input.shape);
  const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
  try {
    expect(session.inputNames).toEqual(['frames']);
    expect(session.outputNames).toEqual(['landmark', 'vein']);
    const out = await session.run({ frames: new ort.Tensor('float32', data, shape) });
    expect(out.landmark.dims).toEqual([shape[0], 3]);
    expect(out.vein.dims).toEqual([shape[0], 2]);
    return Math.max(
      maxAbsDiff(out.landmark.data as Float32Array, ref.outputs.landmark.flat()),
      maxAbsDiff(out.vein.data as Float32Array, ref.outputs.vein.flat()),
    );
  } finally {
    await session.release();
  }
}

async function checkStreamingModel(onnxPath: string): Promise<{ vsTorch: number; vsWindow: number }> {
  const stem = onnxPath.replace(/\.onnx$/, '');
  const ref = JSON.parse(readFileSync(`${stem}.reference.json`, 'utf8'));
  const { data, shape } = readNpyFloat32(join(dirname(onnxPath), ref.input.file)); // [1, 1, S, H, W]
  const [, , steps, h, w] = shape;
  const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
  try {
    const nState = ref.state_shapes.length as number;
    expect(session.inputNames).toEqual(['frame', ...Array.from({ length: nState }, (_, i) => `state_in_${i}`)]);
    let state: ort.Tensor[] = ref.state_shapes.map((s: number[]) => new ort.Tensor('float32', new Float32Array(s.reduce((a, b) => a * b, 1)), s));
    let vsTorch = 0;
    let vsWindow = 0;
    const plane = h * w;
    for (let t = 0; t < steps; t++) {
      const frame = new ort.Tensor('float32', data.slice(t * plane, (t + 1) * plane), [1, 1, 1, h, w]);
      const feeds: Record<string, ort.Tensor> = { frame };
      state.forEach((s, i) => (feeds[`state_in_${i}`] = s));
      const out = await session.run(feeds);
      const lm = out.landmark.data as Float32Array;
      const vein = out.vein.data as Float32Array;
      vsTorch = Math.max(vsTorch, maxAbsDiff(lm, ref.outputs.landmark[t]), maxAbsDiff(vein, ref.outputs.vein[t]));
      if (t >= ref.warmup_frames) {
        const k = t - ref.warmup_frames;
        vsWindow = Math.max(vsWindow, maxAbsDiff(lm, ref.window_outputs_from_step_8.landmark[k]), maxAbsDiff(vein, ref.window_outputs_from_step_8.vein[k]));
      }
      state = Array.from({ length: nState }, (_, i) => out[`state_out_${i}`]);
    }
    return { vsTorch, vsWindow };
  } finally {
    await session.release();
  }
}

describe('committed fixture models/test/tiny-random (random-init Table 1 net)', () => {
  const fixture = join(ROOT, 'models', 'test', 'tiny-random.onnx');
  it('window model matches the PyTorch reference within 1e-4', async () => {
    expect(await checkWindowModel(fixture)).toBeLessThanOrEqual(TOL);
  });
  it('streaming model matches PyTorch and, after 8 warm-up frames, the window model', async () => {
    const r = await checkStreamingModel(join(ROOT, 'models', 'test', 'tiny-random.streaming.onnx'));
    expect(r.vsTorch).toBeLessThanOrEqual(TOL);
    expect(r.vsWindow).toBeLessThanOrEqual(TOL);
  });
});

const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) {
  console.warn(
    `[training-smoke] SKIPPED: ${PYTHON} -c "import torch, onnx" failed (install Debian python3-torch python3-onnx): ` +
      `${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()}`,
  );
}

describe.skipIf(!hasTorch)('training smoke test (training/smoke_test.sh)', () => {
  const out = mkdtempSync(join(tmpdir(), 'autodvt-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains a few steps on a fake dataset, exports, and onnxruntime-node reproduces PyTorch', async () => {
    const r = spawnSync('bash', [join(ROOT, 'training', 'smoke_test.sh'), out], {
      encoding: 'utf8',
      env: { ...process.env, PYTHON },
      timeout: 280_000,
    });
    if (r.status !== 0) throw new Error(`smoke_test.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.ok).toBe(true);
    for (const f of ['smoke.onnx', 'smoke.streaming.onnx', 'smoke.train-log.jsonl', 'smoke.pt']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(await checkWindowModel(join(out, 'smoke.onnx'))).toBeLessThanOrEqual(TOL);
    const s = await checkStreamingModel(join(out, 'smoke.streaming.onnx'));
    expect(s.vsTorch).toBeLessThanOrEqual(TOL);
    expect(s.vsWindow).toBeLessThanOrEqual(TOL);
  }, 300_000);
});
