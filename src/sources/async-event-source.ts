/**
 * Turn an async generator of events into the source Observable every file source
 * is: frames are pulled one at a time and wait for the pipeline's flow control, so
 * a fast decoder never floods a slow model; unsubscribing aborts the generator
 * (which closes decoders and child processes); errors are tagged with the unit.
 */
import { Observable } from 'rxjs';
import { tagError } from '../core/errors.js';
import type { BuildContext } from '../core/context.js';
import type { PipelineEvent } from '../core/events.js';

export function fromAsyncEvents(
  ctx: Pick<BuildContext, 'flow' | 'signal'>,
  scope: string,
  generate: (signal: AbortSignal) => AsyncIterable<PipelineEvent>,
): Observable<PipelineEvent> {
  return new Observable<PipelineEvent>((subscriber) => {
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort();
    ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    (async () => {
      const iterator = generate(abort.signal)[Symbol.asyncIterator]();
      try {
        while (!subscriber.closed) {
          const { value, done } = await iterator.next();
          if (done) break;
          if (value.kind === 'frame') {
            const wait = ctx.flow.ready();
            if (wait) await wait;
          }
          if (subscriber.closed) break;
          subscriber.next(value);
        }
        if (subscriber.closed) await iterator.return?.();
        subscriber.complete();
      } catch (err) {
        await iterator.return?.().catch(() => undefined);
        subscriber.error(tagError(err, scope));
      } finally {
        ctx.signal.removeEventListener('abort', onOuterAbort);
      }
    })();
    return () => abort.abort();
  });
}

/** A run-wide frame counter shared by the sources of a run: `seq` is monotone. */
export class SeqCounter {
  private next = 0;
  take(): number {
    return this.next++;
  }
}
