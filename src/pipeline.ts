/**
 * Build and run a validated pipeline: source → stages → fan-out to every sink.
 *
 * The programmatic API the CLI is thin over:
 *   const loaded = loadPipelineFile('pipelines/demo.yaml');
 *   const result = await runPipeline(requireValid(loaded), { baseDir: loaded.baseDir });
 *
 * Every sink sees every event; the run ends when the source ends and every sink has
 * flushed. An error anywhere stops the source, lets every sink flush what it has,
 * then rejects with the error, tagged with the unit that raised it (`scope`, `path`,
 * and the file:line of that unit when `locate` is given).
 */
import { connectable, merge, Subject, tap } from 'rxjs';
import { checkContext } from './core/config/check-context.js';
import { stdoutProblems } from './core/config/stdout-writers.js';
import { systemClock, type Clock, type Logger, type TextOut } from './core/context.js';
import { AutodvtError, ConfigError, placeError, tagError, type ConfigProblem } from './core/errors.js';
import { buildUnits } from './flow/build-units.js';
import { flowProblems } from './flow/flow-policy.js';
import { RunFlow } from './flow/run-flow.js';
import { makeContextFactory } from './flow/unit-context.js';
import type { PipelineConfig } from './core/config/pipeline-schema.js';
import type { MetricsEvent, PipelineEvent, WarningEvent } from './core/events.js';
import type { SharedInference } from './model/shared-inference.js';

export { makeContextFactory };

export interface RunOptions {
  baseDir: string;
  pipelineFile?: string;
  clock?: Clock;
  logger?: Logger;
  stdout?: TextOut;
  stderr?: TextOut;
  /** Abort to end the run early and cleanly (Ctrl-C): sources stop, sinks flush. */
  signal?: AbortSignal;
  /** Where a dot-path is written in the pipeline file (`LoadedPipeline.locate`): phase-2 problems then carry file:line. */
  locate?(dottedPath: string): Pick<ConfigProblem, 'file' | 'line' | 'column'>;
  /** Skip phase-2 checks (already done). */
  skipContextCheck?: boolean;
  /** Called with every event that reaches the sinks (tests, bench). */
  tap?: (event: PipelineEvent) => void;
  /** What a `stdin` source reads (default: the process's standard input). */
  stdin?: NodeJS.ReadableStream;
  /** A batch run's shared inference service (see BuildContext.inference). */
  inference?: SharedInference;
  /** What else owns standard output (`run --json`): sinks that write data there are refused. */
  stdoutReservedBy?: string;
}

export interface RunResult {
  frames: number;
  events: number;
  warnings: number;
  durationMs: number;
  /** Problems phase 2 reported as warnings. */
  configWarnings: ConfigProblem[];
  /** Frames dropped on the way (by the live queue's policy, and by stages when metrics are on). */
  dropped: number;
  /** The final `metrics` event, when the run emitted metrics. */
  metrics?: MetricsEvent;
}

/** Phase 2 on its own (for `autodvt validate`). */
export async function validateContext(config: PipelineConfig, options: RunOptions): Promise<ConfigProblem[]> {
  const abort = new AbortController();
  return contextProblems(config, options, makeContextFactory(config, options, { signal: abort.signal }));
}

/**
 * Phase 2, placed at their file:line: the units' own checks plus the runner's rules (flow
 * policy, who writes to stdout). `validate` and a run read the same list.
 */
async function contextProblems(config: PipelineConfig, options: RunOptions, makeContext: Parameters<typeof checkContext>[1]): Promise<ConfigProblem[]> {
  const file = options.pipelineFile;
  return placed(
    [...flowProblems(config, file), ...stdoutProblems(config, file, options.stdoutReservedBy), ...(await checkContext(config, makeContext, file))],
    options,
  );
}

/** Phase-2 problems with the file:line of the value they are about, when the caller knows it. */
function placed(problems: ConfigProblem[], options: Pick<RunOptions, 'locate'>): ConfigProblem[] {
  if (!options.locate) return problems;
  return problems.map((p) => (p.line === undefined ? { ...p, ...options.locate!(p.path) } : p));
}

export async function runPipeline(config: PipelineConfig, options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? systemClock;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // Warnings and metrics: events that do not come from the source, merged in before the sinks.
  const side = new Subject<PipelineEvent>();
  const flowWarn = (message: string, more?: Partial<Pick<WarningEvent, 'examId' | 'seq'>>) =>
    side.next({ kind: 'warning', atMs: clock.now(), scope: 'pipeline:flow', message, ...more });
  const flow = new RunFlow(config, clock, side, flowWarn);
  const contextFor = makeContextFactory(config, options, {
    warnings: side,
    flow: flow.sourceFlow,
    frameDropped: (seq) => flow.gate.dropped(seq),
    signal: abort.signal,
  });

  let configWarnings: ConfigProblem[] = [];
  if (!options.skipContextCheck) {
    const problems = await contextProblems(config, options, contextFor);
    if (problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
    configWarnings = problems;
  }

  const { source$, stageOps, sinkOps } = await buildUnits(config, contextFor).catch((err: unknown) => {
    throw placeError(err, options.locate);
  });

  let frames = 0;
  let events = 0;
  let warningCount = 0;
  const started = clock.monotonic();
  // An error from upstream reaches every sink: it is tagged already; only a sink's own errors get the sink's scope.
  let upstreamError: unknown;
  const all$ = merge(flow.aroundStages(flow.fromSource(source$), stageOps), side).pipe(
    tap({
      next: (e) => {
        events++;
        if (e.kind === 'frame') frames++;
        else if (e.kind === 'warning') warningCount++;
        flow.atSinks(e);
        options.tap?.(e);
      },
      error: (err) => {
        upstreamError = err;
      },
    }),
  );
  // Every sink sees every event: one subscription upstream, fanned out.
  const shared = connectable(all$, { connector: () => new Subject<PipelineEvent>(), resetOnDisconnect: false });
  const sinkErrors: unknown[] = [];
  const sinkDone = sinkOps.map(
    (op, i) =>
      new Promise<void>((resolve) => {
        shared.pipe(op).subscribe({
          complete: resolve,
          error: (err) => {
            sinkErrors.push(err === upstreamError ? tagError(err, 'pipeline') : tagError(err, `sink:${config.sinks[i]!.type}`, `sinks[${i}]`));
            abort.abort(); // stop the source; the other sinks flush and complete
            flow.gate.release();
            resolve();
          },
        });
      }),
  );
  const connection = shared.connect();
  try {
    await Promise.all(sinkDone);
  } finally {
    connection.unsubscribe();
    flow.gate.release();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  // The upstream error (if any) reached every sink; report the first one once.
  if (sinkErrors.length > 0) throw placeError(sinkErrors[0], options.locate);
  return {
    frames,
    events,
    warnings: warningCount,
    durationMs: clock.monotonic() - started,
    configWarnings,
    dropped: flow.dropped,
    metrics: flow.lastMetrics,
  };
}

export { AutodvtError };
