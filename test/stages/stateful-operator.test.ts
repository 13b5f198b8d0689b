import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/core/events.js';
import { statefulOperator } from '../../src/stages/stateful-operator.js';

const warning = (n: number): PipelineEvent => ({ kind: 'warning', atMs: n, scope: 'test', message: String(n) });

describe('stateful stage operator', () => {
  it('keeps order across async pushes, emits what flush holds at the end, and closes once', async () => {
    let closed = 0;
    const op = statefulOperator(() => {
      const held: PipelineEvent[] = [];
      return {
        async push(e) {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          held.push(e);
          return held.length === 2 ? held.splice(0) : [];
        },
        flush: () => held.splice(0),
        close: () => void closed++,
      };
    });
    const out = await firstValueFrom(from([1, 2, 3, 4, 5].map(warning)).pipe(op, toArray()));
    expect(out.map((e) => (e as { atMs: number }).atMs)).toEqual([1, 2, 3, 4, 5]);
    expect(closed).toBe(1);
  });

  it('gives each subscription its own state and closes it on unsubscribe', () => {
    const made: number[] = [];
    let closed = 0;
    const op = statefulOperator(() => {
      made.push(made.length);
      return { push: (e) => [e], close: () => void closed++ };
    });
    const input = new Subject<PipelineEvent>();
    const a: PipelineEvent[] = [];
    const sub = input.pipe(op).subscribe((e) => a.push(e));
    input.next(warning(1));
    sub.unsubscribe();
    input.pipe(op).subscribe().unsubscribe();
    expect(a).toHaveLength(1);
    expect(made).toEqual([0, 1]);
    expect(closed).toBe(2);
  });
});
