import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/context.js';
import { RealtimePacer } from '../../src/sources/realtime-pacer.js';
import { manualClock } from '../helpers/manual-clock.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('realtime pacer on the pipeline clock', () => {
  it('holds a frame until the clock reaches its presentation time, with no real waiting', async () => {
    const clock = manualClock();
    const pacer = new RealtimePacer(clock);
    await pacer.wait(0); // the first frame plays at once
    const second = pacer.wait(1000);
    expect(await settled(second)).toBe(false);
    clock.advance(999);
    expect(await settled(second)).toBe(false);
    clock.advance(1);
    expect(await settled(second)).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('lets an abort end the wait at once and leaves no timer behind', async () => {
    const clock = manualClock();
    const abort = new AbortController();
    const waiting = sleep(clock, 60_000, abort.signal);
    expect(await settled(waiting)).toBe(false);
    abort.abort();
    expect(await settled(waiting)).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('runs repeating timers at each due time when time jumps ahead', () => {
    const clock = manualClock(100);
    const at: number[] = [];
    const stop = clock.every(250, () => at.push(clock.now()));
    clock.advance(1000);
    stop();
    clock.advance(1000);
    expect(at).toEqual([350, 600, 850, 1100]);
  });
});
