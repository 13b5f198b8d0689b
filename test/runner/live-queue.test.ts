import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { liveQueue, newLiveQueueStats } from '../../src/flow/live-queue.js';
import { systemClock } from '../../src/core/context.js';
import type { FlowControl } from '../../src/core/context.js';
import type { PipelineEvent } from '../../src/core/events.js';
import { frameEvent } from './events.js';

/** Room for `limit` frames; `release()` frees one. */
function room(limit: number) {
  let used = 0;
  let waiter: (() => void) | undefined;
  const flow: FlowControl & { take(): void; release(): void } = {
    ready: () => (used < limit ? undefined : new Promise<void>((r) => (waiter = r))),
    take: () => void used++,
    release: () => {
      used--;
      const w = waiter;
      waiter = undefined;
      w?.();
    },
  };
  return flow;
}

const clock = { ...systemClock, now: () => 0, monotonic: () => 0 };
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('liveQueue', () => {
  it('drops the oldest waiting frame when inference falls behind, and says so once', async () => {
    const source = new Subject<PipelineEvent>();
    const flow = room(1);
    const stats = newLiveQueueStats();
    const warnings: string[] = [];
    const out: number[] = [];
    let completed = false;
    source.pipe(liveQueue({ policy: 'latest', capacity: 2, room: flow, stats, clock, warn: (m) => warnings.push(m) })).subscribe({
      next: (e) => {
        if (e.kind === 'frame') {
          flow.take();
          out.push(e.seq);
        }
      },
      complete: () => (completed = true),
    });
    for (let i = 0; i < 6; i++) source.next(frameEvent(i));
    expect(out).toEqual([0]); // 1 in flight; 4 and 5 wait; 1, 2, 3 were pushed out
    expect(stats).toMatchObject({ framesIn: 6, dropped: 3, queueDepth: 2, queueDepthMax: 2 });
    source.complete();
    expect(completed).toBe(false); // frames are still waiting
    flow.release();
    await flush();
    flow.release();
    await flush();
    expect(out).toEqual([0, 4, 5]);
    expect(completed).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dropping the oldest waiting frames/);
  });

  it('lets a frame go on when no room comes back for forceAfterMs (a stage swallowed frames)', async () => {
    const source = new Subject<PipelineEvent>();
    const flow = room(1);
    const out: number[] = [];
    source.pipe(liveQueue({ policy: 'latest', capacity: 4, room: flow, stats: newLiveQueueStats(), clock, forceAfterMs: 20 })).subscribe((e) => {
      if (e.kind !== 'frame') return;
      flow.take();
      out.push(e.seq);
    });
    source.next(frameEvent(0));
    source.next(frameEvent(1));
    source.next(frameEvent(2));
    expect(out).toEqual([0]);
    await new Promise((r) => setTimeout(r, 30));
    expect(out).toEqual([0, 1]);
  });

  it('unsubscribes upstream and forgets waiting frames when its subscriber leaves', () => {
    const source = new Subject<PipelineEvent>();
    const flow = room(0);
    const stats = newLiveQueueStats();
    const sub = source.pipe(liveQueue({ policy: 'drop-newest', capacity: 3, room: flow, stats, clock })).subscribe();
    for (let i = 0; i < 5; i++) source.next(frameEvent(i));
    expect(stats).toMatchObject({ dropped: 2, queueDepth: 3 });
    sub.unsubscribe();
    expect(source.observed).toBe(false);
    expect(stats.queueDepth).toBe(0);
  });
});
