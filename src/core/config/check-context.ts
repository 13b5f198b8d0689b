/**
 * Phase 2 of validation: each unit's own context check (files exist, the model
 * loads, shapes fit), run in stream order so a stage sees the shape its upstream
 * leaves, plus pipeline-wide rules (every unit gets the events it needs; patient
 * text must be removed before anything that keeps data). Nothing here touches a frame.
 */
import { errorDetail, type ConfigProblem } from '../errors.js';
import { findUnit } from '../registry.js';
import { eventFlowProblems } from './event-flow.js';
import type { BuildContext } from '../context.js';
import type { StreamShape, SinkSpec, StageSpec, UnitKind } from '../unit.js';
import type { PipelineConfig, UnitConfig } from './pipeline-schema.js';

export async function checkContext(
  config: PipelineConfig,
  makeContext: (unitPath: string, unitType: string) => BuildContext,
  file?: string,
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = eventFlowProblems(config, file);
  let shape: StreamShape = {};
  const run = async (kind: UnitKind, unit: UnitConfig, unitPath: string) => {
    const spec = findUnit(kind, unit.type);
    if (!spec?.check) return;
    try {
      const result = await spec.check(unit as never, makeContext(unitPath, unit.type), shape);
      for (const p of result.problems ?? []) {
        problems.push({
          file,
          path: p.path ? `${unitPath}.${p.path}` : unitPath,
          unitType: unit.type,
          message: p.message,
          severity: p.severity ?? 'error',
        });
      }
      if (result.shape && kind !== 'sink') shape = result.shape;
    } catch (err) {
      problems.push({ file, path: unitPath, unitType: unit.type, message: errorDetail(err), severity: 'error' });
    }
  };
  await run('source', config.source, 'source');
  for (const [i, stage] of config.stages.entries()) await run('stage', stage, `stages[${i}]`);
  const afterStages = shape;
  for (const [i, sink] of config.sinks.entries()) {
    shape = afterStages;
    await run('sink', sink, `sinks[${i}]`);
  }

  problems.push(...textRemovalWarnings(config, file));
  return problems;
}

const NO_TEXT_REMOVAL_WARNING = 'this sink keeps data but no text-removal stage runs before it: burned-in patient text may be stored';

/** A warning for each persistent sink of a pipeline that has no text-removal stage. */
export function textRemovalWarnings(config: Pick<PipelineConfig, 'stages' | 'sinks'>, file?: string): ConfigProblem[] {
  if (config.stages.some((s) => (findUnit('stage', s.type) as StageSpec | undefined)?.removesBurnedInText)) return [];
  return config.sinks.flatMap((sink, i) => {
    const spec = findUnit('sink', sink.type) as SinkSpec | undefined;
    if (!spec?.persistent) return [];
    return [{ file, path: `sinks[${i}]`, unitType: sink.type, message: NO_TEXT_REMOVAL_WARNING, severity: 'warning' as const }];
  });
}
