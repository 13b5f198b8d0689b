/**
 * The int8 model against the fp32 one on dataset windows, in onnxruntime-node: agreement of
 * the predicted classes, probability differences, the in-distribution score, and the Table 2
 * F1 of each against the labels (the newest frame's, as `autodvt eval` scores a window). With
 * `--streaming`, each exam is also run frame by frame through both streaming forms, and the
 * streaming outputs are compared with the window outputs of the same precision.
 *
 *   node --import tsx training/int8_agreement.ts --data DATASET [--split test] [--fp32 models/autodvt.onnx]
 *     [--int8 models/autodvt.int8.onnx] [--streaming] [--max-exams N] [--json OUT]
 *
 * `--split all` takes every exam of the dataset. Used to choose the quantiser's settings and
 * reported in models/README.md ("int8"); the CI check is test/model/int8-model.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { readNpy } from '../src/dataset/read-npy.js';
import { emptyConfusion, table2, type Table2 } from '../src/evaluation/classification-metrics.js';
import { readModelInfo } from '../src/model/model-info.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    split: { type: 'string', default: 'test' },
    fp32: { type: 'string', default: 'models/autodvt.onnx' },
    int8: { type: 'string', default: 'models/autodvt.int8.onnx' },
    streaming: { type: 'boolean', default: false },
    'max-exams': { type: 'string' },
    threads: { type: 'string', default: '2' },
    json: { type: 'string' },
  },
});
if (!values.data) throw new Error('--data DATASET is required');

interface Exam {
  examId: string;
  split: string;
  file: string;
  frames: number;
  landmark: number[];
  open: number[];
}
interface Outputs {
  landmark: Float32Array; // [n, 3]
  vein: Float32Array; // [n, 2]
  score: Float32Array; // [n]
}

const index = JSON.parse(fs.readFileSync(path.join(values.data, 'index.json'), 'utf8')) as { exams: Exam[] };
let exams = index.exams.filter((e) => values.split === 'all' || e.split === values.split);
if (values['max-exams']) exams = exams.slice(0, Number(values['max-exams']));
const info = readModelInfo(values.fp32);
const threshold = info.inDistribution?.threshold ?? Infinity;
const { scale, mean, std } = info.normalization;
const table = Float32Array.from({ length: 256 }, (_, p) => (p * scale - mean) / std);
const opts = { intraOpNumThreads: Number(values.threads), graphOptimizationLevel: 'all' as const };
const open = (file: string) => ort.InferenceSession.create(file, opts);
const sessions = { fp32: await open(values.fp32), int8: await open(values.int8) };
const streamingFile = (f: string) => f.replace(/(\.int8)?\.onnx$/, '.streaming$1.onnx');
const streams = values.streaming ? { fp32: await open(streamingFile(values.fp32)), int8: await open(streamingFile(values.int8)) } : undefined;

async function windowOutputs(session: ort.InferenceSession, x: Uint8Array, ends: number[], plane: number): Promise<Outputs> {
  const n = ends.length;
  const out: Outputs = { landmark: new Float32Array(n * 3), vein: new Float32Array(n * 2), score: new Float32Array(n) };
  const batch = 16;
  for (let i = 0; i < n; i += batch) {
    const chunk = ends.slice(i, i + batch);
    const input = new Float32Array(chunk.length * 9 * plane);
    chunk.forEach((end, b) => {
      const first = (end - 8) * plane;
      for (let k = 0; k < 9 * plane; k++) input[b * 9 * plane + k] = table[x[first + k]!]!;
    });
    const res = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [chunk.length, 1, 9, 150, 150]) });
    out.landmark.set(res.landmark!.data as Float32Array, i * 3);
    out.vein.set(res.vein!.data as Float32Array, i * 2);
    if (res.in_distribution) out.score.set(res.in_distribution.data as Float32Array, i);
  }
  return out;
}

/** Streaming outputs from the 9th frame on (the same windows as `windowOutputs`). */
async function streamingOutputs(session: ort.InferenceSession, x: Uint8Array, frames: number, plane: number): Promise<Outputs> {
  const spec = readModelInfo(streamingFile(values.fp32)).streaming!;
  let state: Record<string, ort.Tensor> = Object.fromEntries(
    spec.state.map((s) => {
      const shape = s.shape.map((d) => (d === 'batch' ? 1 : (d as number)));
      return [s.input, new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)];
    }),
  );
  const n = frames - 8;
  const out: Outputs = { landmark: new Float32Array(n * 3), vein: new Float32Array(n * 2), score: new Float32Array(n) };
  for (let t = 0; t < frames; t++) {
    const f = new Float32Array(plane);
    for (let k = 0; k < plane; k++) f[k] = table[x[t * plane + k]!]!;
    const res = await session.run({ [spec.frame.name]: new ort.Tensor('float32', f, [1, 1, 1, 150, 150]), ...state });
    state = Object.fromEntries(spec.state.map((s) => [s.input, res[s.output]!]));
    if (t < 8) continue;
    out.landmark.set(res.landmark!.data as Float32Array, (t - 8) * 3);
    out.vein.set(res.vein!.data as Float32Array, (t - 8) * 2);
    if (res.in_distribution) out.score[t - 8] = (res.in_distribution.data as Float32Array)[0]!;
  }
  return out;
}

const argmax3 = (p: Float32Array, i: number) => {
  const a = p[i * 3]!;
  const b = p[i * 3 + 1]!;
  const c = p[i * 3 + 2]!;
  return a >= b && a >= c ? 0 : b >= c ? 1 : 2;
};

class Comparison {
  windows = 0;
  landmarkAgree = 0;
  veinAgree = 0;
  unknownAgree = 0;
  landmarkDiffs: number[] = [];
  veinDiffs: number[] = [];
  scoreDiffs: number[] = [];
  add(a: Outputs, b: Outputs): void {
    const n = a.score.length;
    for (let i = 0; i < n; i++) {
      this.windows++;
      if (argmax3(a.landmark, i) === argmax3(b.landmark, i)) this.landmarkAgree++;
      if (a.vein[i * 2 + 1]! >= 0.5 === b.vein[i * 2 + 1]! >= 0.5) this.veinAgree++;
      if (a.score[i]! > threshold === b.score[i]! > threshold) this.unknownAgree++;
      let d = 0;
      for (let k = 0; k < 3; k++) d = Math.max(d, Math.abs(a.landmark[i * 3 + k]! - b.landmark[i * 3 + k]!));
      this.landmarkDiffs.push(d);
      this.veinDiffs.push(Math.abs(a.vein[i * 2 + 1]! - b.vein[i * 2 + 1]!));
      this.scoreDiffs.push(Math.abs(a.score[i]! - b.score[i]!));
    }
  }
  summary() {
    const q = (xs: number[], p: number) => {
      const s = [...xs].sort((x, y) => x - y);
      return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
    };
    const d = (xs: number[]) => ({ p50: q(xs, 0.5), p99: q(xs, 0.99), max: q(xs, 1) });
    return {
      windows: this.windows,
      landmarkArgmaxAgreement: this.landmarkAgree / this.windows,
      veinAgreement: this.veinAgree / this.windows,
      unknownAgreement: this.unknownAgree / this.windows,
      landmarkMaxAbsDiff: d(this.landmarkDiffs),
      pClosedAbsDiff: d(this.veinDiffs),
      inDistributionAbsDiff: d(this.scoreDiffs),
    };
  }
}

const confusions = { fp32: { lm: emptyConfusion(3), vein: emptyConfusion(2) }, int8: { lm: emptyConfusion(3), vein: emptyConfusion(2) } };
const int8VsFp32 = new Comparison();
const streamingInt8VsFp32 = new Comparison();
const streamingVsWindowInt8 = new Comparison();
const streamingVsWindowFp32 = new Comparison();
const started = Date.now();
for (const exam of exams) {
  const { shape, data } = readNpy(path.join(values.data, exam.file)) as { shape: number[]; data: Uint8Array };
  const plane = shape[1]! * shape[2]!;
  const ends = Array.from({ length: exam.frames - 8 }, (_, i) => i + 8);
  const out = { fp32: await windowOutputs(sessions.fp32, data, ends, plane), int8: await windowOutputs(sessions.int8, data, ends, plane) };
  int8VsFp32.add(out.fp32, out.int8);
  for (const precision of ['fp32', 'int8'] as const) {
    const c = confusions[precision];
    ends.forEach((end, i) => {
      const lm = exam.landmark[end]!;
      const op = exam.open[end]!;
      if (lm >= 0) c.lm[lm]![argmax3(out[precision].landmark, i)]!++;
      if (op >= 0) c.vein[op === 1 ? 0 : 1]![out[precision].vein[i * 2 + 1]! >= 0.5 ? 1 : 0]!++;
    });
  }
  if (streams) {
    const s = { fp32: await streamingOutputs(streams.fp32, data, exam.frames, plane), int8: await streamingOutputs(streams.int8, data, exam.frames, plane) };
    streamingInt8VsFp32.add(s.fp32, s.int8);
    streamingVsWindowInt8.add(out.int8, s.int8);
    streamingVsWindowFp32.add(out.fp32, s.fp32);
  }
  process.stderr.write(`${exam.examId}: ${ends.length} windows (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

const f1 = (t: Table2) => Object.fromEntries(t.rows.map((r) => [r.name, r.scores.f1]));
const tables = {
  fp32: table2(confusions.fp32.lm, confusions.fp32.vein, int8VsFp32.windows),
  int8: table2(confusions.int8.lm, confusions.int8.vein, int8VsFp32.windows),
};
const result = {
  data: path.basename(path.resolve(values.data)),
  split: values.split,
  exams: exams.length,
  models: { fp32: values.fp32, int8: values.int8 },
  f1: { fp32: f1(tables.fp32), int8: f1(tables.int8) },
  f1Difference: Object.fromEntries(tables.fp32.rows.map((r, i) => [r.name, tables.int8.rows[i]!.scores.f1 - r.scores.f1])),
  veinConfusion: { fp32: confusions.fp32.vein, int8: confusions.int8.vein },
  window: { int8VsFp32: int8VsFp32.summary() },
  ...(streams
    ? {
        streaming: {
          int8VsFp32: streamingInt8VsFp32.summary(),
          int8StreamingVsInt8Window: streamingVsWindowInt8.summary(),
          fp32StreamingVsFp32Window: streamingVsWindowFp32.summary(),
        },
      }
    : {}),
};
const text = JSON.stringify(result, null, 1);
if (values.json) fs.writeFileSync(values.json, text + '\n');
console.log(text);
