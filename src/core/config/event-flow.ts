/**
 * Whether each unit of a pipeline gets the events it needs, from what the units
 * before it declare (`events: { needs, adds }` in their specs; every unit passes on
 * what it does not handle). Pure and without I/O: part of the structural checks, so
 * `synthetic → compressibility → sliding-window → console` is refused before
 * anything is built, with a hint naming the unit that adds the missing kind.
 */
import type { ConfigProblem } from '../errors.js';
import type { EventKind } from '../events.js';
import { findUnit, unitsOf } from '../registry.js';
import type { EventFlow, UnitKind, UnitSpec } from '../unit.js';
import type { PipelineConfig, UnitConfig } from './pipeline-schema.js';

export function eventFlowOf(spec: UnitSpec | undefined, config: UnitConfig): EventFlow {
  const events = spec?.events;
  if (!events) return {};
  return typeof events === 'function' ? (events as (c: UnitConfig) => EventFlow)(config) : events;
}

/** A unit's flow with its own example config (for hints: which unit adds a kind). */
function exampleFlow(spec: UnitSpec): EventFlow {
  const { type: _type, ...params } = spec.example;
  const parsed = spec.schema.safeParse(params);
  return parsed.success ? eventFlowOf(spec, { type: spec.type, ...(parsed.data as object) } as UnitConfig) : {};
}

/** Problems where a unit needs a kind of event that no unit before it adds. */
export function eventFlowProblems(config: Pick<PipelineConfig, 'source' | 'stages' | 'sinks'>, file?: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const available = new Set<EventKind>();
  const visit = (kind: UnitKind, unit: UnitConfig, unitPath: string, into: Set<EventKind>) => {
    const spec = findUnit(kind, unit.type);
    const flow = eventFlowOf(spec, unit);
    for (const needed of flow.needs ?? []) {
      if (into.has(needed)) continue;
      const providers = unitsOf('stage')
        .filter((s) => exampleFlow(s).adds?.includes(needed))
        .map((s) => s.type);
      const hint = providers.length ? `: put ${providers.join(' or ')} before it` : '';
      problems.push({
        file,
        path: unitPath,
        unitType: unit.type,
        message: `needs \`${needed}\` events, but no unit before it adds them${hint}`,
        severity: 'error',
      });
    }
    for (const added of flow.adds ?? []) into.add(added);
  };
  visit('source', config.source, 'source', available);
  for (const [i, stage] of config.stages.entries()) visit('stage', stage, `stages[${i}]`, available);
  for (const [i, sink] of config.sinks.entries()) visit('sink', sink, `sinks[${i}]`, new Set(available));
  return problems;
}

/**
 * Whether a stage, as configured, adds `kind` events: how code outside the units finds
 * "the stage that makes windows" or "the model stage" without naming a unit type.
 */
export function stageAdds(stage: UnitConfig, kind: EventKind): boolean {
  return eventFlowOf(findUnit('stage', stage.type), stage).adds?.includes(kind) ?? false;
}

/** The per-frame kinds, in the order a frame's path can end in them. */
const FRAME_PATH: readonly EventKind[] = ['frame', 'window', 'prediction', 'state'];

/** Which event ends a frame's path in these stages: the furthest per-frame kind any of them adds. */
export function resultKindOf(stages: readonly UnitConfig[]): 'frame' | 'window' | 'prediction' | 'state' {
  let last = 0;
  for (const stage of stages) {
    for (const added of eventFlowOf(findUnit('stage', stage.type), stage).adds ?? []) last = Math.max(last, FRAME_PATH.indexOf(added));
  }
  return FRAME_PATH[last] as 'frame' | 'window' | 'prediction' | 'state';
}
