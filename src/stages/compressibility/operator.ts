/**
 * Runs the compressibility reducer over a stream. State lives per subscription
 * (inside `scan`), so two subscriptions never share a visit.
 */
import type { OperatorFunction } from 'rxjs';
import { concatMap, scan } from 'rxjs';
import type { PipelineEvent } from '../../core/events.js';
import type { CompressibilityParams } from './params.js';
import type { Compressibility, CompressibilityState } from './reducer.js';
import { createCompressibility } from './reducer.js';

export function compressibilityOperator(params: CompressibilityParams | Compressibility): OperatorFunction<PipelineEvent, PipelineEvent> {
  const machine = 'reduce' in params ? params : createCompressibility(params);
  const seed: [CompressibilityState, PipelineEvent[]] = [machine.initial, []];
  return (source) =>
    source.pipe(
      scan(([state], event) => machine.reduce(state, event), seed),
      concatMap(([, outputs]) => outputs),
    );
}
