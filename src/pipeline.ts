/**
 * Build and run a validated pipeline: source → stages → fan-out to every sink.
 *
 * The programmatic API the CLI is thin over:
 *   const loaded = loadPipelineFile('pipelines/demo.yaml');
 *   const result = await runPipeline(requireValid(loaded), { baseDir: loaded.baseDir });
 *
 * Every sink sees every event; the run ends when the source ends and every sink has
 * flushed. An error anywhere stops the source, lets every sink flush what it has,
 * then rejects with the error (tagged with the unit that raised it).
 */
import { connectable, finalize, merge, Observable, Subject, tap, type OperatorFunction } from 'rxjs';
import { checkContext } from './config/check-context.js';
import { systemClock, silentLogger, unlimitedFlow, type BuildContext, type Clock, type FlowControl, type Logger, type TextOut } from './context.js';
import { AutodvtError, ConfigError, tagError, type ConfigProblem } from './errors.js';
import { InFlightGate } from './in-flight-gate.js';
import { flowProblems, isLiveSource, resolveFlow } from './live/flow-policy.js';
import { LiveMetrics } from './live/live-metrics.js';
import { resultKindOf } from './config/event-flow.js';
import { liveQueue, newLiveQueueStats } from './live/live-queue.js';
import { findUnit } from './registry.js';
import type { PipelineConfig, UnitConfig } from './config/pipeline-schema.js';
import type { MetricsEvent, PipelineEvent, WarningEvent } from './events.js';
import type { SharedInference } from './model/shared-inference.js';
import type { SinkSpec, SourceSpec, StageSpec, UnitKind } from './unit.js';

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

export function makeContextFactory(config: PipelineConfig, options: RunOptions, extra: {
  warnings?: { next(event: WarningEvent): void };
  flow?: FlowControl;
  frameDropped?: (seq: number) => void;
  signal: AbortSignal;
}) {
  const clock = options.clock ?? systemClock;
  const live = isLiveSource(config.source);
  return (unitPath: string, unitType: string): BuildContext => ({
    unitPath,
    unitType,
    baseDir: options.baseDir,
    pipelineFile: options.pipelineFile,
    clock,
    seed: config.seed,
    logger: options.logger ?? silentLogger,
    signal: extra.signal,
    live,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    flow: extra.flow ?? { ready: () => undefined },
    stdin: options.stdin,
    inference: options.inference,
    warn(message, more) {
      extra.warnings?.next({ kind: 'warning', atMs: clock.now(), scope: `${kindOf(unitPath)}:${unitType}`, message, ...more });
    },
    frameDropped: (seq) => extra.frameDropped?.(seq),
  });
}

function kindOf(unitPath: string): UnitKind {
  return unitPath.startsWith('source') ? 'source' : unitPath.startsWith('stages') ? 'stage' : 'sink';
}

/** Phase 2 on its own (for `autodvt validate`). */
export async function validateContext(config: PipelineConfig, options: RunOptions): Promise<ConfigProblem[]> {
  const abort = new AbortController();
  const problems = await checkContext(config, makeContextFactory(config, options, { signal: abort.signal }), options.pipelineFile);
  return placed([...flowProblems(config, options.pipelineFile), ...problems], options);
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
  const flow = resolveFlow(config);
  const gate = new InFlightGate(flow.maxInFlight);
  // block: a file source waits for the gate; live policies: the source never waits, the live queue does.
  const contextFor = makeContextFactory(config, options, {
    warnings: side,
    flow: flow.policy === 'block' ? gate : unlimitedFlow,
    frameDropped: (seq) => gate.dropped(seq),
    signal: abort.signal,
  });

  let configWarnings: ConfigProblem[] = [];
  if (!options.skipContextCheck) {
    const problems = placed([...flowProblems(config, options.pipelineFile), ...(await checkContext(config, contextFor, options.pipelineFile))], options);
    if (problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
    configWarnings = problems;
  }

  // Build every unit (heavy modules load here, before any frame flows).
  const build = async <T>(kind: UnitKind, unit: UnitConfig, unitPath: string): Promise<T> => {
    const spec = findUnit(kind, unit.type) as SourceSpec | StageSpec | SinkSpec;
    try {
      return (await spec.build(unit as never, contextFor(unitPath, unit.type))) as T;
    } catch (err) {
      throw tagError(err, `${kind}:${unit.type}`);
    }
  };
  const source$ = await build<Observable<PipelineEvent>>('source', config.source, 'source');
  const stageOps: OperatorFunction<PipelineEvent, PipelineEvent>[] = [];
  for (const [i, stage] of config.stages.entries()) {
    const op = await build<OperatorFunction<PipelineEvent, PipelineEvent>>('stage', stage, `stages[${i}]`);
    stageOps.push(tagErrors(op, `stage:${stage.type}`));
  }
  const sinkOps: OperatorFunction<PipelineEvent, unknown>[] = [];
  for (const [i, sink] of config.sinks.entries()) sinkOps.push(await build('sink', sink, `sinks[${i}]`));

  let frames = 0;
  let events = 0;
  let warningCount = 0;
  const started = clock.monotonic();
  const flowWarn = (message: string, more?: Partial<Pick<WarningEvent, 'examId' | 'seq'>>) =>
    side.next({ kind: 'warning', atMs: clock.now(), scope: 'pipeline:flow', message, ...more });
  const queueStats = flow.policy === 'block' ? undefined : newLiveQueueStats();
  const metrics =
    flow.metricsIntervalMs === undefined
      ? undefined
      : new LiveMetrics({
          clock,
          resultKind: resultKindOf(config.stages),
          stageIds: stageIdsOf(config.stages),
          queue: queueStats,
          latencyBudgetMs: flow.latencyBudgetMs,
          warn: flowWarn,
        });
  let finalMetrics: MetricsEvent | undefined;
  let head$ = source$;
  if (metrics) head$ = head$.pipe(tap((e) => metrics.fromSource(e)));
  if (queueStats && flow.policy !== 'block') {
    head$ = head$.pipe(liveQueue({ policy: flow.policy, capacity: flow.queue, room: gate, stats: queueStats, clock, warn: flowWarn }));
  }
  head$ = head$.pipe(
    tap((e) => {
      if (e.kind !== 'frame') return;
      gate.entered(e.seq);
      metrics?.intoStages(e);
    }),
  );
  let stopMetrics: (() => void) | undefined;
  if (metrics && flow.metricsIntervalMs) {
    stopMetrics = clock.every(flow.metricsIntervalMs, () => side.next(metrics.snapshot()));
  }
  const staged$ = stageOps
    .reduce<Observable<PipelineEvent>>((obs, op, i) => {
      if (!metrics) return obs.pipe(op);
      const timer = metrics.stages[i]!;
      return obs.pipe(
        tap((e) => timer.before(e)),
        op,
        tap((e) => timer.after(e)),
      );
    }, head$)
    .pipe(
      finalize(() => {
        stopMetrics?.();
        if (metrics) {
          metrics.finish();
          finalMetrics = metrics.snapshot(true);
          side.next(finalMetrics);
        }
        side.complete();
      }),
    );
  const all$ = merge(staged$, side).pipe(
    tap((e) => {
      events++;
      if (e.kind === 'frame') {
        frames++;
        gate.left(e.seq);
      } else if (e.kind === 'warning') warningCount++;
      metrics?.atSinks(e);
      options.tap?.(e);
    }),
  );
  const shared = connectable(all$, { connector: () => new Subject<PipelineEvent>(), resetOnDisconnect: false });

  const sinkErrors: unknown[] = [];
  const sinkDone = sinkOps.map(
    (op, i) =>
      new Promise<void>((resolve) => {
        shared.pipe(op).subscribe({
          complete: resolve,
          error: (err) => {
            sinkErrors.push(tagError(err, `sink:${config.sinks[i]!.type}`));
            abort.abort(); // stop the source; the other sinks flush and complete
            gate.release();
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
    gate.release();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  // The upstream error (if any) reached every sink; report the first one once.
  if (sinkErrors.length > 0) throw sinkErrors[0];
  return {
    frames,
    events,
    warnings: warningCount,
    durationMs: clock.monotonic() - started,
    configWarnings,
    dropped: metrics?.dropped ?? queueStats?.dropped ?? 0,
    metrics: finalMetrics,
  };
}

/** Stage names for metrics counters: the stage's `id`, else its type (numbered when a type repeats). */
function stageIdsOf(stages: UnitConfig[]): string[] {
  return stages.map((s, i) => {
    const id = s.id ?? s.type;
    return stages.some((o, j) => j !== i && (o.id ?? o.type) === id) ? `${id}#${i}` : id;
  });
}

function tagErrors(op: OperatorFunction<PipelineEvent, PipelineEvent>, scope: string): OperatorFunction<PipelineEvent, PipelineEvent> {
  return (source) =>
    new Observable<PipelineEvent>((subscriber) => {
      // Errors raised upstream keep their own scope; errors raised by this stage get its scope.
      let upstreamFailed = false;
      const sub = op(
        new Observable<PipelineEvent>((inner) =>
          source.subscribe({
            next: (e) => inner.next(e),
            error: (err) => {
              upstreamFailed = true;
              inner.error(err);
            },
            complete: () => inner.complete(),
          }),
        ),
      ).subscribe({
        next: (e) => subscriber.next(e),
        error: (err) => subscriber.error(upstreamFailed ? err : tagError(err, scope)),
        complete: () => subscriber.complete(),
      });
      return () => sub.unsubscribe();
    });
}

export { AutodvtError };
