/**
 * How every sink is run: a writer opened per subscription, fed each event in
 * order, and always closed — on completion and on error alike — so what was
 * already processed is flushed even when the run fails. The returned Observable
 * completes once the writer is closed and re-raises the upstream error after it.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { PipelineEvent } from '../core/events.js';

export interface SinkWriter {
  /** Handle one event. A returned promise is awaited before close (writes stay ordered). */
  write(event: PipelineEvent): void | Promise<void>;
  /** Flush and release; `error` is set when the stream failed upstream. */
  close(error?: unknown): void | Promise<void>;
}

export function sinkOperator(open: () => SinkWriter | Promise<SinkWriter>): OperatorFunction<PipelineEvent, never> {
  return (source) =>
    new Observable<never>((subscriber) => {
      let writer: SinkWriter | undefined;
      let pending: Promise<unknown> = Promise.resolve();
      let failed = false;
      const buffered: PipelineEvent[] = [];
      let ended: { error?: unknown } | undefined;

      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        upstream?.unsubscribe();
        Promise.resolve(writer?.close(err))
          .catch(() => undefined)
          .finally(() => subscriber.error(err));
      };
      const write = (event: PipelineEvent) => {
        try {
          const r = writer!.write(event);
          if (r) pending = pending.then(() => r).catch(fail);
        } catch (err) {
          fail(err);
        }
      };
      const finish = (upstreamError?: unknown) => {
        pending
          .then(() => writer!.close(upstreamError))
          .then(
            () => (upstreamError === undefined ? subscriber.complete() : subscriber.error(upstreamError)),
            (err) => subscriber.error(upstreamError ?? err),
          );
      };

      let upstream: { unsubscribe(): void } | undefined;
      upstream = source.subscribe({
        next: (event) => {
          if (failed) return;
          if (writer) write(event);
          else buffered.push(event);
        },
        error: (err) => {
          if (failed) return;
          if (writer) finish(err);
          else ended = { error: err };
        },
        complete: () => {
          if (failed) return;
          if (writer) finish();
          else ended = {};
        },
      });

      Promise.resolve()
        .then(open)
        .then((w) => {
          writer = w;
          for (const e of buffered.splice(0)) write(e);
          if (ended && !failed) finish(ended.error);
        }, fail);

      return () => upstream?.unsubscribe();
    });
}
