/**
 * liveQueue — the backpressure operator for live input (`flow.policy` latest or
 * drop-newest), placed between the source and the first stage.
 *
 * Consumes: every event, at the source's pace (it never makes the source wait).
 * Emits:    the same events in order, except frames the policy drops; a frame goes on
 *           only while `room.ready()` says the stages have room (fewer than
 *           `flow.maxInFlight` frames between here and the sinks).
 * Counts:   framesIn, dropped, queueDepth, queueDepthMax in the `stats` object (read by
 *           the metrics collector); drops are never silent: a warning when dropping
 *           starts, then at most one per `warnEveryMs` with the count since.
 * Notes:    dropped frames leave gaps in `seq`, so sliding-window sees them and never
 *           spans a larger gap than its `maxGapFrames` allows. When the source
 *           completes, the frames still waiting are processed, then it completes.
 *           A stage may swallow frames (text removal before its first OCR result):
 *           their credit only comes back when a later frame reaches the sinks, so when
 *           no frame has left for `forceAfterMs` the next frame goes on anyway (one per
 *           period) rather than waiting forever.
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { DropQueue, type DropPolicy } from './drop-queue.js';
import type { Clock, FlowControl } from '../core/context.js';
import type { FrameEvent, PipelineEvent } from '../core/events.js';

export interface LiveQueueStats {
  framesIn: number;
  dropped: number;
  queueDepth: number;
  queueDepthMax: number;
}

export function newLiveQueueStats(): LiveQueueStats {
  return { framesIn: 0, dropped: 0, queueDepth: 0, queueDepthMax: 0 };
}

export interface LiveQueueOptions {
  policy: DropPolicy;
  /** Frames that may wait. */
  capacity: number;
  /** Room downstream (the pipeline's in-flight gate). */
  room: FlowControl;
  stats: LiveQueueStats;
  clock: Clock;
  warn?(message: string, extra?: { seq?: number; examId?: string }): void;
  /** Minimum time between two drop warnings (default 5000). */
  warnEveryMs?: number;
  /** With no room for this long, let the next frame go on anyway (default 1000). */
  forceAfterMs?: number;
}

export function liveQueue(options: LiveQueueOptions): MonoTypeOperatorFunction<PipelineEvent> {
  const { policy, capacity, room, stats, clock, warn } = options;
  const warnEveryMs = options.warnEveryMs ?? 5000;
  const forceAfterMs = options.forceAfterMs ?? 1000;
  return (source) =>
    new Observable<PipelineEvent>((subscriber) => {
      const queue = new DropQueue(policy, capacity);
      let waiting = false;
      let ended = false;
      let lastWarnAt = -Infinity;
      let force = false;
      let cancelForce: (() => void) | undefined;
      let droppedAtLastWarn = 0;

      const noteDrop = (frame: FrameEvent) => {
        stats.dropped++;
        const now = clock.monotonic();
        if (!warn || now - lastWarnAt < warnEveryMs) return;
        const what = policy === 'latest' ? 'dropping the oldest waiting frames' : 'dropping arriving frames';
        warn(
          lastWarnAt === -Infinity
            ? `the stages are behind the source: ${what} (flow.policy ${policy}, queue ${capacity}); metrics events count them`
            : `${stats.dropped - droppedAtLastWarn} more frames dropped (${stats.dropped} in all)`,
          { seq: frame.seq, examId: frame.source.examId },
        );
        lastWarnAt = now;
        droppedAtLastWarn = stats.dropped;
      };

      const drain = (): void => {
        while (!subscriber.closed) {
          const head = queue.peek();
          if (!head) break;
          if (head.kind === 'frame') {
            const wait = force ? undefined : room.ready();
            if (wait) {
              waiting = true;
              let settled = false;
              const go = (forced: boolean) => {
                if (settled) return;
                settled = true;
                cancelForce?.();
                waiting = false;
                force = forced;
                drain();
              };
              cancelForce = clock.after(forceAfterMs, () => go(true));
              void wait.then(() => go(false));
              return;
            }
            force = false;
          }
          queue.shift();
          stats.queueDepth = queue.frameCount;
          subscriber.next(head);
        }
        if (ended && queue.length === 0) subscriber.complete();
      };

      const upstream = source.subscribe({
        next: (event) => {
          if (event.kind === 'frame') stats.framesIn++;
          const dropped = queue.push(event);
          if (dropped) noteDrop(dropped);
          stats.queueDepth = queue.frameCount;
          if (stats.queueDepth > stats.queueDepthMax) stats.queueDepthMax = stats.queueDepth;
          if (!waiting) drain();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          ended = true;
          if (!waiting) drain();
        },
      });
      return () => {
        cancelForce?.();
        upstream.unsubscribe();
        queue.clear();
        stats.queueDepth = 0;
      };
    });
}
