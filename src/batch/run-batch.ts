/**
 * A research run over archived exams: every exam (file, manifest row or PACS
 * series) is its own run of the pipeline, up to `concurrency` at once, with
 * progress, a result per exam, a run table and an evaluation across the run.
 *
 *   const summary = await runBatch({ pipelineFile: 'pipelines/archive.yaml', inputs: ['exams/'], concurrency: 2 });
 *
 * Resumable: results live in the run directory keyed by exam and by the input,
 * model and pipeline hashes; a rerun skips what is done and redoes what was cut
 * short. An exam that fails is recorded and the run goes on. Inference is shared:
 * one session per model, windows of the exams running at once batched together
 * (`shareInference: false` gives each exam its own). The pipeline's sinks run per
 * exam, writing under `exams/<key>/`. Abort `signal`
 * (Ctrl-C) to stop: running exams stop, leave no result, and are redone next time.
 */
import path from 'node:path';
import { moveUrlCredentialsToHeaders } from '../dicomweb/url-credentials.js';
import { table2Markdown } from '../evaluation/classification-metrics.js';
import { systemClock, type Clock, type TextOut } from '../core/context.js';
import { DISCLAIMER } from '../core/events.js';
import { formatError, formatProblem } from '../core/errors.js';
import { describeInferenceStats, SharedInference, type InferenceStats } from '../model/shared-inference.js';
import { skippedSinks, skippedSinksWarning } from './exam-sinks.js';
import { listExams } from './list-exams.js';
import { checkPipelineOnce, defaultRunDir, preparePipeline } from './prepare.js';
import { processExam } from './process-exam.js';
import { BatchProgress, formatDuration } from './progress.js';
import { forEachConcurrent } from './pool.js';
import { RunDir } from './run-dir.js';
import { runEvaluation } from './run-evaluation.js';
import { resultsCsv, resultsJsonl } from './run-table.js';
import type { ExamResult } from './exam-result.js';

export interface BatchOptions {
  pipelineFile: string;
  /** `--set` overrides for the pipeline. */
  set?: string[];
  /** Folders, globs, files, manifests (.csv/.json) or DICOMweb URLs. */
  inputs: string[];
  /** Exams at once (default 1). */
  concurrency?: number;
  /** Default: out/runs/<pipeline>-<hash of pipeline path and inputs>. */
  runDir?: string;
  /** Run exams again that failed on bad input (they are skipped by default). */
  retryFailed?: boolean;
  cwd?: string;
  stdout: TextOut;
  stderr: TextOut;
  signal?: AbortSignal;
  clock?: Clock;
  /** Plain progress lines this often when stderr is not a terminal (default 10 s). */
  progressIntervalMs?: number;
  /** Headers for DICOMweb requests (e.g. Authorization). */
  dicomwebHeaders?: Record<string, string>;
  /**
   * One ONNX session per model for the whole run, with windows of the exams running at
   * once batched into one model call (default true). False: a session per exam, as in
   * an ordinary run.
   */
  shareInference?: boolean;
  /**
   * Which exams run in a child process of their own with a memory limit (process-exam.ts):
   * `suspects` (default) the ones an earlier run was cut short on, `every` all, `none` none.
   */
  isolate?: 'none' | 'suspects' | 'every';
  /** Memory limit of an isolated exam's process, MiB (default 4096). */
  examMemoryMb?: number;
}

export interface BatchSummary {
  runDir: string;
  total: number;
  /** Exams this invocation ran (ok + failed), and the ones it found done. */
  ran: number;
  skipped: number;
  ok: number;
  failed: number;
  interrupted: number;
  frames: number;
  wallMs: number;
  /** Frames this invocation decoded and processed per second of wall time. */
  framesPerSecond: number;
  failures: { key: string; message: string }[];
  evaluated: boolean;
  /** Shared inference counters (model calls, batch sizes, calls mixing exams); absent when not shared. */
  inference?: InferenceStats;
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  // Credentials written in an input URL become the run's header before anything is listed or written.
  const moved = moveUrlCredentialsToHeaders(options.inputs, options.dicomwebHeaders);
  const o: BatchOptions = { ...options, inputs: moved.inputs, dicomwebHeaders: Object.keys(moved.headers).length ? moved.headers : options.dicomwebHeaders };
  const clock = o.clock ?? systemClock;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const pipeline = preparePipeline(o.pipelineFile, o.set);
  const exams = await listExams(o.inputs, { cwd: o.cwd, dicomwebHeaders: o.dicomwebHeaders });
  const runDir = new RunDir(path.resolve(o.cwd ?? process.cwd(), o.runDir ?? defaultRunDir(o.pipelineFile, o.inputs, o.cwd)));
  runDir.init();
  const linksDir = path.join(runDir.dir, 'links');
  const warnings = await checkPipelineOnce(pipeline, exams[0]!, { linksDir, sinksDir: runDir.outputDir(exams[0]!.key) });
  for (const w of warnings) o.stderr.write(formatProblem(w) + '\n');
  await runDir.writeFile(
    'run.json',
    JSON.stringify(
      {
        pipeline: pipeline.file,
        set: o.set ?? [],
        inputs: o.inputs,
        exams: exams.length,
        hashes: { model: pipeline.modelHash, pipeline: pipeline.pipelineHash },
        models: pipeline.models,
        concurrency,
        shareInference: o.shareInference ?? true,
        startedAt: new Date(clock.now()).toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
  const shareInference = o.shareInference ?? true;
  o.stderr.write(
    `run directory ${runDir.dir}: ${exams.length} exam(s), concurrency ${concurrency}${shareInference ? ', inference shared across exams' : ''}\n`,
  );
  const skipped = skippedSinksWarning(skippedSinks(pipeline.config.sinks));
  if (skipped) o.stderr.write(skipped + '\n');
  const inference = shareInference ? new SharedInference() : undefined;

  const progress = new BatchProgress({ out: o.stderr, total: exams.length, clock, intervalMs: o.progressIntervalMs });
  const results = new Map<string, ExamResult>();
  let ran = 0;
  let frames = 0;
  const t0 = clock.monotonic();
  try {
    await forEachConcurrent(
      exams,
      concurrency,
      async (exam) => {
        let started = false;
        const outcome = await processExam(exam, {
          pipeline,
          runDir,
          linksDir,
          concurrency,
          retryFailed: o.retryFailed,
          signal: o.signal,
          clock,
          dicomwebHeaders: o.dicomwebHeaders,
          inference,
          isolate: o.isolate,
          examMemoryMb: o.examMemoryMb,
          onFrames: (n) => {
            frames += n;
            progress.addFrames(n);
          },
          onStart: (d) => {
            started = true;
            progress.examStarted();
            if (d.action === 'run' && d.reason !== 'new') progress.print(`↻ ${exam.key}: ${d.reason}, running it again`);
          },
          onEvent: (e) => {
            if (e.kind === 'frame') {
              frames++;
              progress.addFrames();
            }
          },
        });
        if (outcome.status === 'interrupted') {
          progress.examInterrupted();
          return;
        }
        results.set(exam.key, outcome.result);
        if (outcome.status === 'skipped') progress.examSkipped();
        else {
          ran++;
          if (!started) progress.examStarted();
          progress.examFinished(outcome.status === 'ok', exam.key, outcome.result.error && formatError(outcome.result.error, { oneLine: true }));
        }
      },
      o.signal,
    );
  } finally {
    progress.finish();
    await inference?.close();
  }
  const wallMs = clock.monotonic() - t0;

  // Tables: every exam of the input that has a result, in input order.
  const rows = exams.map((e) => results.get(e.key) ?? runDir.readResult(e.key)).filter((r): r is ExamResult => r !== undefined);
  await runDir.writeFile('results.csv', resultsCsv(rows));
  await runDir.writeFile('results.jsonl', resultsJsonl(rows));
  const evaluation = runEvaluation(rows);
  if (evaluation) {
    const md = table2Markdown(evaluation, `Evaluation across ${evaluation.exams} labelled exam(s) of the run`);
    await runDir.writeFile('evaluation.json', JSON.stringify(evaluation, null, 2) + '\n');
    await runDir.writeFile('evaluation.md', md);
    o.stdout.write(md.endsWith('\n') ? md : md + '\n');
  }
  const failures = rows.filter((r) => r.status === 'failed').map((r) => ({ key: r.key, message: r.error?.message ?? 'failed' }));
  const ok = rows.filter((r) => r.status === 'ok').length;
  const summary: BatchSummary = {
    runDir: runDir.dir,
    total: exams.length,
    ran,
    skipped: results.size - ran,
    ok,
    failed: failures.length,
    interrupted: exams.length - results.size,
    frames,
    wallMs,
    framesPerSecond: wallMs > 0 ? (frames * 1000) / wallMs : 0,
    failures,
    evaluated: Boolean(evaluation),
    ...(inference ? { inference: inference.stats() } : {}),
  };
  o.stdout.write(summaryText(summary));
  return summary;
}

export function summaryText(s: BatchSummary): string {
  const lines = [
    `── batch run ──`,
    `${s.ok}/${s.total} exams ok, ${s.failed} failed${s.interrupted ? `, ${s.interrupted} not finished (rerun the same command to finish them)` : ''}`,
    `this run: ${s.ran} exam(s) processed, ${s.skipped} already done; ${s.frames} frames in ${formatDuration(s.wallMs)} (${s.framesPerSecond.toFixed(1)} frames/s)`,
    ...(s.inference && s.inference.calls > 0 ? [`inference shared across exams: ${describeInferenceStats(s.inference)}`] : []),
    ...s.failures.map((f) => `✖ ${f.key}: ${f.message}`),
    `results: ${path.join(s.runDir, 'results.csv')} (and results.jsonl, exams/*.json)${s.evaluated ? ', evaluation.md' : ''}`,
    DISCLAIMER,
  ];
  return lines.join('\n') + '\n';
}
