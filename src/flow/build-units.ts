/**
 * Build every unit of a validated pipeline, in stream order, before any frame flows
 * (heavy modules load here). A unit whose build fails, or a source or stage that fails
 * while running, reports the error tagged with its own scope (`stage:resize`) and path
 * (`stages[1]`); an error that merely passes through a stage keeps those of the unit
 * that raised it.
 */
import { catchError, Observable, throwError, type OperatorFunction } from 'rxjs';
import { tagError } from '../core/errors.js';
import { findUnit } from '../core/registry.js';
import type { BuildContext } from '../core/context.js';
import type { PipelineConfig, UnitConfig } from '../core/config/pipeline-schema.js';
import type { PipelineEvent } from '../core/events.js';
import type { SinkSpec, SourceSpec, StageSpec, UnitKind } from '../core/unit.js';

export interface BuiltUnits {
  source$: Observable<PipelineEvent>;
  stageOps: OperatorFunction<PipelineEvent, PipelineEvent>[];
  sinkOps: OperatorFunction<PipelineEvent, unknown>[];
}

export async function buildUnits(config: PipelineConfig, contextFor: (unitPath: string, unitType: string) => BuildContext): Promise<BuiltUnits> {
  const build = async <T>(kind: UnitKind, unit: UnitConfig, unitPath: string): Promise<T> => {
    const spec = findUnit(kind, unit.type) as SourceSpec | StageSpec | SinkSpec;
    try {
      return (await spec.build(unit as never, contextFor(unitPath, unit.type))) as T;
    } catch (err) {
      throw tagError(err, `${kind}:${unit.type}`, unitPath);
    }
  };
  const sourceScope = `source:${config.source.type}`;
  const source$ = (await build<Observable<PipelineEvent>>('source', config.source, 'source')).pipe(
    catchError((err) => throwError(() => tagError(err, sourceScope, 'source'))),
  );
  const stageOps: OperatorFunction<PipelineEvent, PipelineEvent>[] = [];
  for (const [i, stage] of config.stages.entries()) {
    const op = await build<OperatorFunction<PipelineEvent, PipelineEvent>>('stage', stage, `stages[${i}]`);
    stageOps.push(tagErrors(op, `stage:${stage.type}`, `stages[${i}]`));
  }
  const sinkOps: OperatorFunction<PipelineEvent, unknown>[] = [];
  for (const [i, sink] of config.sinks.entries()) sinkOps.push(await build('sink', sink, `sinks[${i}]`));
  return { source$, stageOps, sinkOps };
}

function tagErrors(op: OperatorFunction<PipelineEvent, PipelineEvent>, scope: string, path: string): OperatorFunction<PipelineEvent, PipelineEvent> {
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
        error: (err) => subscriber.error(upstreamFailed ? err : tagError(err, scope, path)),
        complete: () => subscriber.complete(),
      });
      return () => sub.unsubscribe();
    });
}
