/**
 * A Clock on virtual time for tests: nothing happens until `advance(ms)`, which runs
 * every timer that falls due, in order, at its own time.
 */
import type { Clock } from '../../src/core/context.js';

export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Timers set and not yet run or cancelled. */
  pending(): number;
}

export function manualClock(startMs = 0): ManualClock {
  let t = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; every?: number; fn: () => void }>();
  const schedule = (at: number, fn: () => void, every?: number) => {
    const id = nextId++;
    timers.set(id, { at, fn, every });
    return () => void timers.delete(id);
  };
  return {
    now: () => t,
    monotonic: () => t,
    after: (ms, fn) => schedule(t + Math.max(0, ms), fn),
    every: (ms, fn) => schedule(t + ms, fn, ms),
    pending: () => timers.size,
    advance(ms) {
      const end = t + ms;
      for (;;) {
        let dueId: number | undefined;
        for (const [id, timer] of timers) if (timer.at <= end && (dueId === undefined || timer.at < timers.get(dueId)!.at)) dueId = id;
        if (dueId === undefined) break;
        const timer = timers.get(dueId)!;
        t = timer.at;
        if (timer.every) timer.at += timer.every;
        else timers.delete(dueId);
        timer.fn();
      }
      t = end;
    },
  };
}
