/**
 * The package's programmatic API (`import { runPipeline } from 'autodvt'`): load and
 * validate a pipeline file, run it, define units of your own, and the events that flow
 * between them. Heavier parts have their own entry points so that importing the core
 * does not load them: `autodvt/batch` (many exams, resumable), `autodvt/queue` (Redis
 * workers), `autodvt/phantom` (the procedural phantom).
 */
export { runPipeline, validateContext } from './pipeline.js';
export type { RunOptions, RunResult } from './pipeline.js';
export { loadPipelineFile, parsePipeline, requireValid } from './core/config/load-pipeline.js';
export type { LoadOptions, LoadedPipeline } from './core/config/load-pipeline.js';
export { defineSource, defineStage, defineSink } from './core/unit.js';
export type { UnitKind, UnitSpec, SourceSpec, StageSpec, SinkSpec } from './core/unit.js';
export { allUnits, findUnit, unitsOf } from './core/registry.js';
export { AutodvtError, InputError, UnsupportedError, ConfigError, EXIT_OK, EXIT_RUNTIME, EXIT_BAD_INPUT, formatError, formatProblem } from './core/errors.js';
export type { ConfigProblem, ErrorFields, ErrorPlace } from './core/errors.js';
export { main } from './cli/main.js';
export type { BuildContext, Clock } from './core/context.js';
export * from './core/events.js';
