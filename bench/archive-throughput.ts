/**
 * Whole-run throughput of a batch run over archived exams, next to the model alone.
 *
 *   npx tsx bench/archive-throughput.ts [--exams DIR] [--subjects 25] [--duration 3]
 *
 * 1. Writes 25 phantom subjects as DICOM + mp4 (50 exams, 3 s each; reused when
 *    --exams points at a folder that has them) and cuts two of them in half.
 * 2. `pipelines/archive.yaml` over the 50 exams at concurrency 1, then 2 (fresh run
 *    directories): frames/s over the whole run, decode to verdict, failures included.
 *    Inference is shared across exams (the default: one session, windows of running
 *    exams batched together); concurrency 2 runs once more with a session per exam
 *    (`--no-share-inference`), and the table says which is which, with the model calls.
 * 3. The done-when check: a run at concurrency 2 interrupted halfway, then rerun:
 *    48 results + 2 failures, and the finished exams are not redone.
 * 4. Model only: onnxruntime session.run on random input at the pipeline's batch size
 *    (windows/s = frames/s once the window is full), intra-op threads as in the runs.
 * Writes out/bench/archive-throughput.json and prints a table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBatch, type BatchSummary } from '../src/batch/index.js';
import { cpuThreadSessionOptions } from '../src/model/cpu-thread-options.js';
import { readModelInfo } from '../src/model/model-info.js';
import { SHIPPED_MODEL } from '../src/model/shipped-models.js';
import { writeSynthExams } from '../src/synth/index.js';

const root = path.resolve(import.meta.dirname, '..');
const pipelineFile = path.join(root, 'pipelines/archive.yaml');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const subjects = Number(opt('subjects', '25'));
const duration = Number(opt('duration', '3'));
const examsDir = path.resolve(opt('exams', path.join(os.tmpdir(), `autodvt-archive-bench-${subjects}x${duration}s`)));
const BATCH = 16; // pipelines/archive.yaml: onnx-inference batch

const quiet = { write: () => true };
const log = (s: string) => process.stderr.write(s + '\n');

async function exams(): Promise<void> {
  const count = fs.existsSync(examsDir) ? fs.readdirSync(examsDir).filter((f) => /\.(dcm|mp4)$/.test(f)).length : 0;
  if (count === subjects * 2) {
    log(`reusing ${count} exams in ${examsDir}`);
    return;
  }
  fs.rmSync(examsDir, { recursive: true, force: true });
  const t0 = performance.now();
  await writeSynthExams({ outDir: examsDir, subjects, seed: 2024, format: 'both', durationS: duration });
  // Two corrupt exams: an interrupted copy of one DICOM and one mp4.
  for (const name of ['phantom-2024-s003.dcm', 'phantom-2024-s007.mp4']) {
    const file = path.join(examsDir, name);
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)));
  }
  log(`wrote ${subjects * 2} exams to ${examsDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function batch(
  concurrency: number,
  signal?: AbortSignal,
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), `autodvt-bench-c${concurrency}-`)),
  shareInference = true,
): Promise<BatchSummary> {
  return runBatch({
    pipelineFile,
    inputs: [examsDir],
    concurrency,
    shareInference,
    runDir,
    stdout: quiet,
    stderr: { write: (s: string) => (s.startsWith('[batch]') ? process.stderr.write(`  c=${concurrency} ${s}`) : true) },
    progressIntervalMs: 15_000,
    signal,
  });
}

async function interruptAndResume(): Promise<Record<string, number | boolean>> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-bench-resume-'));
  const abort = new AbortController();
  const examsDone = () =>
    fs.existsSync(path.join(runDir, 'exams')) ? fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json')).length : 0;
  const watch = setInterval(() => examsDone() >= subjects && abort.abort(), 100);
  const first = await batch(2, abort.signal, runDir);
  clearInterval(watch);
  const before = new Map(
    fs
      .readdirSync(path.join(runDir, 'exams'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, fs.readFileSync(path.join(runDir, 'exams', f), 'utf8')]),
  );
  const second = await batch(2, undefined, runDir);
  const untouched = [...before].every(([f, text]) => fs.readFileSync(path.join(runDir, 'exams', f), 'utf8') === text);
  return {
    firstRunFinished: first.ok + first.failed,
    secondRunSkipped: second.skipped,
    secondRunRan: second.ran,
    ok: second.ok,
    failed: second.failed,
    finishedResultsUntouched: untouched,
  };
}

async function modelOnly(threads: number, seconds = 5): Promise<number> {
  const ort = await import('onnxruntime-node');
  const info = readModelInfo(SHIPPED_MODEL);
  // The stages' thread settings (idle threads sleep), so the floor compares like with like.
  const session = await ort.InferenceSession.create(SHIPPED_MODEL, { executionProviders: ['cpu'], ...cpuThreadSessionOptions({ threads }) });
  const data = new Float32Array(BATCH * info.frames * info.height * info.width);
  for (let i = 0; i < data.length; i++) data[i] = Math.random();
  const input = new ort.Tensor('float32', data, [BATCH, 1, info.frames, info.height, info.width]);
  await session.run({ [info.inputName]: input });
  let windows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await session.run({ [info.inputName]: input });
    windows += BATCH;
  }
  const rate = (windows * 1000) / (performance.now() - t0);
  await session.release();
  return rate;
}

await exams();
log('concurrency 1 ...');
const c1 = await batch(1);
log('concurrency 2 ...');
const c2 = await batch(2);
log('concurrency 2, a session per exam ...');
const c2Unshared = await batch(2, undefined, undefined, false);
log('interrupt halfway, then rerun ...');
const resume = await interruptAndResume();
const cores = os.availableParallelism();
const model = { threadsDefault: await modelOnly(0), threadsPerExamAtC2: await modelOnly(Math.max(1, Math.floor(cores / 2))) };

const batching = (s: BatchSummary) =>
  s.inference
    ? `on: ${s.inference.calls} calls, mean ${(s.inference.items / Math.max(1, s.inference.calls)).toFixed(1)}, ${s.inference.mixedCalls} mixing exams`
    : 'off (session per exam)';
const row = (name: string, s: BatchSummary) =>
  `| ${name} | ${batching(s)} | ${s.ok} ok / ${s.failed} failed | ${s.frames} | ${(s.wallMs / 1000).toFixed(1)} | ${s.framesPerSecond.toFixed(1)} |`;
const table = [
  `Archive throughput: ${subjects * 2} exams (${subjects} phantom subjects, DICOM + mp4, ${duration} s each, 2 corrupt), ${cores} cores, ${os.cpus()[0]?.model ?? ''}`,
  '',
  '| run | cross-exam batching | exams | frames | wall s | frames/s (whole run) |',
  '| --- | --- | --- | --- | --- | --- |',
  row('concurrency 1', c1),
  row('concurrency 2', c2),
  row('concurrency 2', c2Unshared),
  '',
  `Model only (onnxruntime session.run, batch ${BATCH}, random input): ${model.threadsDefault.toFixed(1)} windows/s (default threads), ${model.threadsPerExamAtC2.toFixed(1)} windows/s (${Math.max(1, Math.floor(cores / 2))} thread(s), as each exam's own session gets at concurrency 2 without sharing).`,
  `Interrupted halfway + rerun: ${JSON.stringify(resume)}`,
].join('\n');
console.log(table);
fs.mkdirSync(path.join(root, 'out/bench'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'out/bench/archive-throughput.json'),
  JSON.stringify(
    {
      exams: subjects * 2,
      durationS: duration,
      cores,
      concurrency1: c1,
      concurrency2: c2,
      concurrency2SessionPerExam: c2Unshared,
      modelOnlyWindowsPerSecond: model,
      resume,
    },
    null,
    2,
  ),
);
