import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchSummary } from '../../src/batch/index.js';
import { phantomExamFolder } from './phantom-exams.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A pipeline like archive.yaml on the tiny model fixture, with sinks that write files per exam. */
function writePipeline(dir: string): string {
  const file = path.join(dir, 'shared.yaml');
  fs.writeFileSync(
    file,
    `name: shared
source:
  type: dicom-cine
  path: unused.dcm
stages:
  - type: crop-pad
    size: 600
  - type: resize
    size: 150
  - type: sliding-window
    size: 9
  - type: onnx-inference
    model: ${path.join(root, 'models/test/tiny-random.onnx')}
    batch: 8
  - type: compressibility
sinks:
  - type: console
  - type: hud
    port: 0
  - type: json-log
    path: out/events.ndjson
    kinds: [prediction, exam]
  - type: evaluate
    path: out/eval
  - type: report
    dir: out/reports
`,
  );
  return file;
}

interface Prediction {
  seq: number;
  landmark: { BG: number; LM1: number; LM2: number };
  pClosed: number;
}

function predictions(runDir: string, key: string): Prediction[] {
  const lines = fs
    .readFileSync(path.join(runDir, 'exams', key, 'events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return lines.filter((l) => l.kind === 'prediction');
}

describe('batch run: shared inference and per-exam sinks', () => {
  let inputs: string[];
  let pipelineFile: string;
  let work: string;
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, progressIntervalMs: 0 };
  let shared: BatchSummary;
  let sharedDir: string;
  let sharedOut: string;

  beforeAll(async () => {
    // Exams of very different lengths (1 s and 4 s), and a 3 s mp4 cut in half: it fails
    // mid-way, after some of its windows went to the shared batcher.
    const short = await phantomExamFolder({ subjects: 2, durationS: 1, seed: 5, fps: 20 });
    const long = await phantomExamFolder({ subjects: 1, durationS: 4, seed: 9, fps: 20, format: 'dicom' });
    const broken = await phantomExamFolder({ subjects: 1, durationS: 3, seed: 11, fps: 20, format: 'mp4', corrupt: ['phantom-11-s000.mp4'] });
    inputs = [short.dir, long.dir, broken.dir];
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-shared-'));
    pipelineFile = writePipeline(work);
    sharedDir = path.join(work, 'run-shared');
    // More lanes (8) than exams (6): every exam runs at once.
    shared = await runBatch({ pipelineFile, inputs, runDir: sharedDir, concurrency: 8, ...io });
    sharedOut = out.join('');
  }, 180_000);

  it('batches windows of exams running at once into one model call, one session for the run, no call over the batch size', () => {
    expect(shared).toMatchObject({ total: 6, ok: 5, failed: 1, interrupted: 0 });
    expect(shared.failures[0]?.key).toBe('phantom-11-s000.mp4');
    const s = shared.inference!;
    expect(s.sessions).toBe(1);
    expect(s.mixedCalls).toBeGreaterThan(0);
    expect(s.largestBatch).toBeGreaterThan(1);
    expect(Math.max(...Object.keys(s.sizes).map(Number))).toBeLessThanOrEqual(8);
    expect(sharedOut).toContain('inference shared across exams:');
  });

  it('shows the patient-data warning for a persistent sink without text removal once per run, not per exam', () => {
    const lines = sharedOut.split('\n').filter((l) => l.includes('no text-removal stage runs before it'));
    // Named by their place in the pipeline file (console and hud, skipped per exam, come first).
    expect(lines.filter((l) => l.includes('sinks[2] (json-log)'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('sinks[4] (report)'))).toHaveLength(1);
    expect(lines).toHaveLength(2);
  });

  it('gives every exam the predictions and verdict it gets with a session of its own (within 1e-5)', async () => {
    const soloDir = path.join(work, 'run-solo');
    const solo = await runBatch({ pipelineFile, inputs, runDir: soloDir, concurrency: 1, shareInference: false, ...io });
    expect(solo.inference).toBeUndefined();
    expect(solo).toMatchObject({ ok: 5, failed: 1 });
    const results = (dir: string) =>
      fs
        .readFileSync(path.join(dir, 'results.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const soloResults = new Map(results(soloDir).map((r) => [r.key, r]));
    for (const r of results(sharedDir)) {
      const o = soloResults.get(r.key)!;
      expect(r.status, r.key).toBe(o.status);
      if (r.status !== 'ok') {
        expect(r.frames, `${r.key} fails mid-way, after its first windows`).toBeGreaterThan(9);
        continue;
      }
      expect(r.verdict, r.key).toBe(o.verdict);
      const [a, b] = [predictions(sharedDir, r.key), predictions(soloDir, r.key)];
      expect(a.length).toBeGreaterThan(0);
      expect(a.map((p) => p.seq)).toEqual(b.map((p) => p.seq));
      a.forEach((p, i) => {
        const q = b[i]!;
        const diff = Math.max(Math.abs(p.pClosed - q.pClosed), ...(['BG', 'LM1', 'LM2'] as const).map((k) => Math.abs(p.landmark[k] - q.landmark[k])));
        expect(diff, `${r.key} seq ${p.seq}`).toBeLessThanOrEqual(1e-5);
      });
    }
  }, 180_000);

  it("runs the pipeline's own sinks per exam under exams/<key>/, and names the sinks it leaves out once", () => {
    const warning = sharedOut.split('\n').filter((l) => l.includes('not run per exam'));
    expect(warning).toHaveLength(1); // once per run, not per exam
    expect(warning[0]).toMatch(/sinks\[0\] console \(the batch progress bar owns the terminal\); sinks\[1\] hud \(one server/);
    const ok = fs
      .readFileSync(path.join(sharedDir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.status === 'ok');
    for (const r of ok) {
      const dir = path.join(sharedDir, 'exams', r.key);
      expect(fs.readdirSync(dir).sort(), r.key).toEqual(['eval.json', 'eval.md', 'events.ndjson', 'reports']);
      expect(fs.readdirSync(path.join(dir, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'eval.json'), 'utf8')).predictions).toBe(predictions(sharedDir, r.key).length);
    }
    // Nothing went where the pipeline file points (next to the pipeline): every output is per exam.
    expect(fs.existsSync(path.join(work, 'out'))).toBe(false);
  });

  it("a rerun leaves finished exams' sink outputs alone and starts a cut-short exam's outputs afresh", async () => {
    const keys = fs
      .readdirSync(path.join(sharedDir, 'exams'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
    const ok = keys.filter((k) => JSON.parse(fs.readFileSync(path.join(sharedDir, 'exams', `${k}.json`), 'utf8')).status === 'ok');
    const [cut, ...finished] = ok;
    const log = (k: string) => path.join(sharedDir, 'exams', k, 'events.ndjson');
    const before = new Map(finished.map((k) => [k, { text: fs.readFileSync(log(k), 'utf8'), mtime: fs.statSync(log(k)).mtimeMs }]));
    // `cut` as a killed run leaves it: no result, a running marker, and stray outputs.
    fs.rmSync(path.join(sharedDir, 'exams', `${cut}.json`));
    fs.writeFileSync(path.join(sharedDir, 'exams', `${cut}.running`), '{}\n');
    fs.writeFileSync(path.join(sharedDir, 'exams', cut!, 'stray.tmp'), 'half-written');
    const again = await runBatch({ pipelineFile, inputs, runDir: sharedDir, concurrency: 2, ...io });
    expect(again).toMatchObject({ ran: 1, skipped: 5, ok: 5, failed: 1 });
    expect(fs.existsSync(path.join(sharedDir, 'exams', cut!, 'stray.tmp'))).toBe(false);
    expect(
      fs
        .readFileSync(log(cut!), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"log-header"')),
    ).toHaveLength(1);
    for (const [k, b] of before) {
      expect(fs.readFileSync(log(k), 'utf8'), k).toBe(b.text);
      expect(fs.statSync(log(k)).mtimeMs, k).toBe(b.mtime);
    }
  }, 180_000);
});
