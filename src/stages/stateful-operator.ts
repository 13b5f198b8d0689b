/**
 * The shape of a stage that keeps state per subscription: for each subscription a new
 * state object is made; every event goes through `push` in order (one at a time, even
 * when `push` is async); when the stream completes, `flush` gives what is still held
 * (a part-filled batch, held frames); `close` runs on completion, error or
 * unsubscription. Outputs keep their order.
 */
import { concat, concatMap, defer, EMPTY, finalize, from, mergeMap, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { PipelineEvent } from '../core/events.js';

export interface StatefulStage {
  push(event: PipelineEvent): ObservableInput<PipelineEvent[]> | PipelineEvent[];
  flush?(): ObservableInput<PipelineEvent[]> | PipelineEvent[];
  close?(): void;
}

export function statefulOperator(create: () => StatefulStage): OperatorFunction<PipelineEvent, PipelineEvent> {
  return (source) =>
    defer(() => {
      const stage = create();
      // A plain array is one output batch (concatMap would otherwise emit its elements one by one).
      const asInput = (out: ObservableInput<PipelineEvent[]> | PipelineEvent[]): ObservableInput<PipelineEvent[]> => (Array.isArray(out) ? [out] : out);
      return concat(
        source.pipe(concatMap((event) => asInput(stage.push(event)))),
        defer(() => (stage.flush ? asInput(stage.flush()) : EMPTY)),
      ).pipe(
        mergeMap((events) => (events.length ? from(events) : EMPTY)),
        finalize(() => stage.close?.()),
      );
    });
}
