/**
 * The BuildContext each unit of a run gets: the run's clock, seed, folder, output
 * streams, abort signal and flow control, and a `warn` that turns into a `warning`
 * event scoped to the unit (`stage:resize`).
 */
import { systemClock, silentLogger, type BuildContext, type FlowControl } from '../core/context.js';
import { isLiveSource } from './flow-policy.js';
import type { PipelineConfig } from '../core/config/pipeline-schema.js';
import type { WarningEvent } from '../core/events.js';
import type { RunOptions } from '../pipeline.js';
import type { UnitKind } from '../core/unit.js';

export function makeContextFactory(
  config: PipelineConfig,
  options: RunOptions,
  extra: {
    warnings?: { next(event: WarningEvent): void };
    flow?: FlowControl;
    frameDropped?: (seq: number) => void;
    signal: AbortSignal;
  },
) {
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
