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
import { systemClock, silentLogger, type BuildContext, type Clock, type FlowControl, type Logger, type TextOut } from './context.js';
import { AutodvtError, ConfigError, tagError, type ConfigProblem } from './errors.js';
import { InFlightGate } from './in-flight-gate.js';
import { findUnit } from './registry.js';
import type { PipelineConfig, UnitConfig } from './config/pipeline-schema.js';
import type { PipelineEvent, WarningEvent } from './events.js';
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
  /** Skip phase-2 checks (already done). */
  skipContextCheck?: boolean;
  /** Called with every event that reaches the sinks (tests, bench). */
  tap?: (event: PipelineEvent) => void;
}

export interface RunResult {
  frames: number;
  events: number;
  warnings: number;
  durationMs: number;
  /** Problems phase 2 reported as warnings. */
  configWarnings: ConfigProblem[];
}

export function makeContextFactory(config: PipelineConfig, options: RunOptions, extra: {
  warnings?: Subject<WarningEvent>;
  flow?: FlowControl;
  signal: AbortSignal;
}) {
  const clock = options.clock ?? systemClock;
  const live = (config.source as { realtime?: boolean }).realtime === true || ['capture-device', 'stdin'].includes(config.source.type);
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
    warn(message, more) {
      extra.warnings?.next({ kind: 'warning', atMs: clock.now(), scope: `${kindOf(unitPath)}:${unitType}`, message, ...more });
    },
  });
}

function kindOf(unitPath: string): UnitKind {
  return unitPath.startsWith('source') ? 'source' : unitPath.startsWith('stages') ? 'stage' : 'sink';
}

/** Phase 2 on its own (for `autodvt validate`). */
export async function validateContext(config: PipelineConfig, options: RunOptions): Promise<ConfigProblem[]> {
  const abort = new AbortController();
  return checkContext(config, makeContextFactory(config, options, { signal: abort.signal }), options.pipelineFile);
}

export async function runPipeline(config: PipelineConfig, options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? systemClock;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const warnings = new Subject<WarningEvent>();
  const gate = new InFlightGate(config.flow.maxInFlight);
  const contextFor = makeContextFactory(config, options, { warnings, flow: gate, signal: abort.signal });

  let configWarnings: ConfigProblem[] = [];
  if (!options.skipContextCheck) {
    const problems = await checkContext(config, contextFor, options.pipelineFile);
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
  const staged$ = stageOps
    .reduce<Observable<PipelineEvent>>(
      (obs, op) => obs.pipe(op),
      source$.pipe(tap((e) => e.kind === 'frame' && gate.entered(e.seq))),
    )
    .pipe(finalize(() => warnings.complete()));
  const all$ = merge(staged$, warnings).pipe(
    tap((e) => {
      events++;
      if (e.kind === 'frame') {
        frames++;
        gate.left(e.seq);
      } else if (e.kind === 'warning') warningCount++;
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
  return { frames, events, warnings: warningCount, durationMs: clock.monotonic() - started, configWarnings };
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
