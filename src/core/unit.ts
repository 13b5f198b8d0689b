/**
 * The one way to declare a pipeline unit (source, stage or sink):
 * `{ type, summary, schema, example, build }`. The zod schema is the spec: it
 * validates the YAML, documents every field (`.describe()`), and gives the JSON
 * Schema for editors. `build` turns validated config into an RxJS Observable
 * (sources) or operator (stages, sinks); it does not do the work itself. Heavy
 * dependencies are imported lazily inside build, so `validate` and `list` start fast.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { z } from 'zod';
import type { BuildContext } from './context.js';
import type { EventKind, PipelineEvent } from './events.js';

export type UnitKind = 'source' | 'stage' | 'sink';

/** What a sink writes to standard output (see SinkSpec.stdout). */
export type StdoutUse = 'data' | 'status';

/** A problem found by a unit's context check (phase 2 of validation). */
export interface ContextProblem {
  /** Dot-path relative to the unit's config, e.g. `model` (empty for the unit itself). */
  path?: string;
  message: string;
  severity?: 'error' | 'warning';
}

/** What a context check may learn about the stream shape, passed from unit to unit. */
export interface StreamShape {
  /** Frame size leaving the unit, when fixed. */
  frameSize?: { width: number; height: number };
  /** Window shape [N, C, T, H, W] leaving the unit, when it emits windows. */
  windowShape?: [number, number, number, number, number];
  /** True when the stream is live. */
  live?: boolean;
}

/**
 * The event kinds a unit needs from upstream to do its job, and the kinds it adds to
 * the stream (every unit passes on what it does not handle). Validation walks the
 * pipeline with these, so a stage placed before the unit that feeds it is an error
 * (`src/core/config/event-flow.ts`).
 */
export interface EventFlow {
  needs?: readonly EventKind[];
  adds?: readonly EventKind[];
}

interface UnitSpecBase<S extends z.ZodObject> {
  /** The name users write as `type:` in YAML; kebab-case; also the file name. */
  type: string;
  /** One line: what it does. */
  summary: string;
  /** Parameters (without `type`); `.strict()`, `.describe()` on every field. */
  schema: S;
  /** A complete YAML-ready example config, `type` included. */
  example: Record<string, unknown>;
  /** What the unit needs and adds on the stream; a function when it depends on the config. */
  events?: EventFlow | ((config: z.infer<S>) => EventFlow);
  /**
   * Phase-2 validation: file exists, model loads, shapes fit. Gets the shape of the
   * stream arriving (for stages/sinks) and returns the shape leaving plus problems.
   */
  check?(config: z.infer<S>, ctx: BuildContext, upstream: StreamShape): Promise<{ problems?: ContextProblem[]; shape?: StreamShape }>;
}

export interface SourceSpec<S extends z.ZodObject = z.ZodObject> extends UnitSpecBase<S> {
  kind: 'source';
  /**
   * True when frames arrive on their own clock whatever the pipeline does (a capture
   * device, a pipe): the source cannot be made to wait, so the runner drops instead of
   * blocking. Absent means a file source (live only when replayed with `realtime: true`).
   */
  live?(config: z.infer<S>): boolean;
  build(config: z.infer<S>, ctx: BuildContext): Observable<PipelineEvent> | Promise<Observable<PipelineEvent>>;
}

export interface StageSpec<S extends z.ZodObject = z.ZodObject> extends UnitSpecBase<S> {
  kind: 'stage';
  /** True for a stage that removes burned-in text (sinks that keep data want one upstream). */
  removesBurnedInText?: boolean;
  /**
   * Files the stage loads whose content decides its results (model files), resolved
   * against the pipeline's folder: a batch run hashes them, so replacing one makes old
   * results stale.
   */
  inputFiles?(config: z.infer<S>, baseDir: string): string[];
  build(config: z.infer<S>, ctx: BuildContext): OperatorFunction<PipelineEvent, PipelineEvent> | Promise<OperatorFunction<PipelineEvent, PipelineEvent>>;
}

/**
 * A sink consumes the event stream; the Observable it returns completes when
 * everything is written and flushed (or errors when writing fails).
 */
export interface SinkSpec<S extends z.ZodObject = z.ZodObject> extends UnitSpecBase<S> {
  kind: 'sink';
  /** Sinks that keep data (json-log, dataset, recordings): checked for text removal upstream. */
  persistent?: boolean;
  /**
   * How a batch run (`run --input`, one pipeline run per exam) runs this sink per exam:
   * `paths` names the config keys that are files or folders it writes (the runner moves
   * each under the exam's own folder of the run directory, so exams never overwrite each
   * other); `skip` says why it cannot run per exam (left out, with one warning).
   */
  perExam: { paths: string[] } | { skip: string };
  /**
   * What the sink writes to standard output as configured: `data` (machine-readable, such
   * as NDJSON: nothing else may write there), `status` (lines for a person; `run --json`
   * moves them to stderr), or nothing (absent or undefined). `src/core/config/stdout-writers.ts`
   * refuses a pipeline where data would share stdout.
   */
  stdout?(config: z.infer<S>): StdoutUse | undefined;
  build(config: z.infer<S>, ctx: BuildContext): OperatorFunction<PipelineEvent, unknown> | Promise<OperatorFunction<PipelineEvent, unknown>>;
}

export type UnitSpec = SourceSpec<any> | StageSpec<any> | SinkSpec<any>;

export function defineSource<S extends z.ZodObject>(spec: Omit<SourceSpec<S>, 'kind'>): SourceSpec<S> {
  return { kind: 'source', ...spec };
}
export function defineStage<S extends z.ZodObject>(spec: Omit<StageSpec<S>, 'kind'>): StageSpec<S> {
  return { kind: 'stage', ...spec };
}
export function defineSink<S extends z.ZodObject>(spec: Omit<SinkSpec<S>, 'kind'>): SinkSpec<S> {
  return { kind: 'sink', ...spec };
}
