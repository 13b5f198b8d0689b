/**
 * The pipeline's `flow` block, resolved against its source: which backpressure
 * policy runs (`auto` picks `block` for file sources and `latest` for live ones),
 * how many frames may be in flight, and whether metrics are emitted.
 *
 * ```yaml
 * flow:
 *   policy: latest          # auto | block | latest | drop-newest
 *   queue: 4                # frames that may wait ahead of the stages
 *   latencyBudgetMs: 100    # warn when capture-to-result latency exceeds it
 *   metricsIntervalMs: 1000 # a `metrics` event this often, and a final one
 * ```
 */
import type { ConfigProblem } from '../core/errors.js';
import type { PipelineConfig, UnitConfig } from '../core/config/pipeline-schema.js';
import { findUnit } from '../core/registry.js';
import type { SourceSpec } from '../core/unit.js';

/** True for a source that cannot wait: frames arrive whether or not the pipeline is ready (its spec says `live`). */
export function cannotWait(source: UnitConfig): boolean {
  const spec = findUnit('source', source.type) as SourceSpec | undefined;
  return spec?.live?.(source as never) === true;
}

export type FlowPolicy = 'block' | 'latest' | 'drop-newest';

export interface ResolvedFlow {
  policy: FlowPolicy;
  maxInFlight: number;
  /** Frames that may wait in the live queue (latest / drop-newest). */
  queue: number;
  latencyBudgetMs?: number;
  /** undefined: no metrics events; 0: only the final one. */
  metricsIntervalMs?: number;
}

export const DEFAULT_MAX_IN_FLIGHT = { block: 64, live: 1 } as const;
export const DEFAULT_LIVE_METRICS_INTERVAL_MS = 1000;

/** True when frames arrive on their own clock: a capture device, a pipe, or a file replayed in real time. */
export function isLiveSource(source: UnitConfig): boolean {
  return (source as { realtime?: boolean }).realtime === true || cannotWait(source);
}

export function resolveFlow(config: PipelineConfig): ResolvedFlow {
  const flow = config.flow;
  const live = isLiveSource(config.source);
  const policy: FlowPolicy = flow.policy === 'auto' ? (live ? 'latest' : 'block') : flow.policy;
  const maxInFlight = flow.maxInFlight ?? (policy === 'block' ? DEFAULT_MAX_IN_FLIGHT.block : DEFAULT_MAX_IN_FLIGHT.live);
  const metricsIntervalMs = flow.metricsIntervalMs ?? (live || flow.latencyBudgetMs !== undefined ? DEFAULT_LIVE_METRICS_INTERVAL_MS : undefined);
  return { policy, maxInFlight, queue: flow.queue, latencyBudgetMs: flow.latencyBudgetMs, metricsIntervalMs };
}

/** Pipeline-wide flow rules (phase 2): a live source cannot be made to wait. */
export function flowProblems(config: PipelineConfig, file?: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.flow.policy === 'block' && cannotWait(config.source)) {
    problems.push({
      file,
      path: 'flow.policy',
      message: `block makes the source wait, but a ${config.source.type} source cannot wait (frames keep arriving): use latest (keep the newest frames) or drop-newest`,
      severity: 'error',
    });
  }
  return problems;
}
