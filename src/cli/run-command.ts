/**
 * `autodvt run <pipeline.yaml>`: validate (both phases), then run; Ctrl-C ends cleanly.
 * With `--input` (folders, globs, files, manifests, DICOMweb URLs) it is a batch run over
 * archived exams: one pipeline run per exam, `--concurrency` at once, results in
 * `--run-dir` (docs/batch.md).
 *
 * `--json`: one summary object on stdout when the run ends (`RunSummary`), whether it
 * finished, was interrupted or failed; everything a person reads goes to stderr, and a sink
 * that writes data to stdout is refused at validation.
 */
import { loadPipelineFile, requireValid } from '../core/config/load-pipeline.js';
import { errorDetail, formatProblem, EXIT_BAD_INPUT, EXIT_OK } from '../core/errors.js';
import { redactUrlsIn } from '../secrets/redact-url.js';
import { runPipeline } from '../pipeline.js';
import { errorJson, reportError } from './report-error.js';
import { RunSummary } from './run-summary.js';
import { EXIT_INTERRUPTED, stopOnSignals } from './stop-on-signals.js';
import type { CommandModule } from './commands.js';

export { EXIT_INTERRUPTED };

/** Options that only a batch run (`--input`) reads; given without --input they are a usage error. */
const BATCH_OPTIONS = [
  'input',
  'concurrency',
  'run-dir',
  'share-inference',
  'retry-failed',
  'progress-interval',
  'header',
  'isolate',
  'exam-memory-mb',
] as const;

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', describe: 'Pipeline YAML file', demandOption: true })
      .option('set', { type: 'string', array: true, describe: 'Override a value: --set stages[2].size=5 (repeatable)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print one JSON summary object on stdout at the end (frames, exams and their verdicts, or the error); status lines go to stderr',
      })
      .option('input', {
        type: 'string',
        array: true,
        describe: 'Batch run: a folder, glob, file, manifest (.csv/.json) or DICOMweb URL of exams (repeatable)',
      })
      .option('concurrency', { type: 'number', defaultDescription: '1', describe: 'Batch run: exams processed at once' })
      .option('run-dir', { type: 'string', describe: 'Batch run: where results go (default out/runs/<pipeline>-<hash>); rerun to resume' })
      .option('share-inference', {
        type: 'boolean',
        defaultDescription: 'true',
        describe: 'Batch run: one model session for all exams, windows of running exams batched together (--no-share-inference: one per exam)',
      })
      .option('retry-failed', { type: 'boolean', defaultDescription: 'false', describe: 'Batch run: run exams again that failed on bad input' })
      .option('progress-interval', { type: 'number', defaultDescription: '10', describe: 'Batch run: seconds between progress lines when not on a terminal' })
      .option('header', {
        type: 'string',
        array: true,
        describe: 'Batch run: HTTP header for DICOMweb inputs, "Name: value" (repeatable; ${VAR} in the value is read from the environment)',
      })
      .option('isolate', {
        choices: ['suspects', 'every', 'none'] as const,
        defaultDescription: 'suspects',
        describe: 'Batch run: exams run in a child process with a memory limit: those an earlier run was cut short on (suspects), every one, or none',
      })
      .option('exam-memory-mb', { type: 'number', defaultDescription: '4096', describe: "Batch run: memory limit of an isolated exam's process, MiB" })
      .group([...BATCH_OPTIONS], 'Batch run (with --input; docs/batch.md):'),
  async handler(args, io) {
    // Yargs gives these no default, so they are set only when given; runBatch applies the defaults the help shows.
    const batchOnly = BATCH_OPTIONS.filter((k) => k !== 'input' && args[k] !== undefined);
    if (!args.input?.length && batchOnly.length > 0) {
      io.stderr.write(`error: ${batchOnly.map((k) => `--${k}`).join(', ')} only apply to a batch run: add --input <exams>\n(nothing was run)\n`);
      return EXIT_BAD_INPUT;
    }
    const stop = stopOnSignals(io.stderr, 'stopping — flushing sinks');
    const abort = { signal: stop.signal };
    // With --json, stdout carries only the summary: the run's own status lines go to stderr.
    const out = args.json ? io.stderr : io.stdout;
    const summary = args.json ? new RunSummary() : undefined;
    const finish = (code: number, extra?: Parameters<RunSummary['toJson']>[1]) => {
      if (summary) io.stdout.write(JSON.stringify(summary.toJson(code, extra), null, 2) + '\n');
      return code;
    };
    try {
      if (args.input?.length) {
        const { runBatch } = await import('../batch/index.js');
        const { parseHeaders } = await import('../dicomweb/headers.js');
        const { moveUrlCredentialsToHeaders } = await import('../dicomweb/url-credentials.js');
        const { resolveHeaderReferences } = await import('../queue/header-references.js');
        // `${VAR}` in a header value is filled from the environment, as for `enqueue`.
        const given = resolveHeaderReferences(parseHeaders(args.header ?? []), process.env, 'the environment');
        const { inputs, headers } = moveUrlCredentialsToHeaders(args.input, given);
        const batch = await runBatch({
          pipelineFile: args.pipeline,
          set: args.set,
          inputs,
          concurrency: args.concurrency,
          shareInference: args.shareInference,
          runDir: args.runDir,
          retryFailed: args.retryFailed,
          progressIntervalMs: args.progressInterval === undefined ? undefined : Math.max(0, args.progressInterval) * 1000,
          dicomwebHeaders: headers,
          isolate: args.isolate,
          examMemoryMb: args.examMemoryMb,
          stdout: out,
          stderr: io.stderr,
          signal: abort.signal,
        });
        return finish(abort.signal.aborted ? EXIT_INTERRUPTED : EXIT_OK, { batch });
      }
      const loaded = loadPipelineFile(args.pipeline, { set: args.set });
      const config = requireValid(loaded);
      const result = await runPipeline(config, {
        baseDir: loaded.baseDir,
        pipelineFile: loaded.file,
        locate: loaded.locate,
        stdout: out,
        stderr: io.stderr,
        signal: abort.signal,
        tap: summary ? (event) => summary.add(event) : undefined,
        stdoutReservedBy: args.json ? '`run --json`' : undefined,
      });
      for (const w of result.configWarnings) io.stderr.write(formatProblem(w) + '\n');
      // Stopped by a signal: everything up to then was processed and flushed; the exit code says it was cut short.
      return finish(abort.signal.aborted ? EXIT_INTERRUPTED : EXIT_OK, { run: result });
    } catch (err) {
      // A signal that cut a read short (a file being inflated, a request) is an interruption, not bad input.
      if (abort.signal.aborted) {
        io.stderr.write(`interrupted: ${redactUrlsIn(errorDetail(err))}\n`);
        return finish(EXIT_INTERRUPTED, { error: errorJson(err) });
      }
      return finish(reportError(err, io.stderr, Boolean(args.verbose)), { error: errorJson(err) });
    } finally {
      stop.dispose();
    }
  },
};
