import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DropQueue } from '../../src/flow/drop-queue.js';
import type { FrameEvent, PipelineEvent } from '../../src/core/events.js';
import { frameEvent } from './events.js';

/** A run of pushes and shifts: true = a frame arrives, false = the stages take the head. */
const ops = fc.array(fc.oneof(fc.constant('frame' as const), fc.constant('other' as const), fc.constant('take' as const)), { maxLength: 200 });

function play(policy: 'latest' | 'drop-newest', capacity: number, script: ('frame' | 'other' | 'take')[]) {
  const q = new DropQueue(policy, capacity);
  const delivered: PipelineEvent[] = [];
  const dropped: FrameEvent[] = [];
  let seq = 0;
  let marker = 0;
  let maxFrames = 0;
  for (const op of script) {
    if (op === 'take') {
      const e = q.shift();
      if (e) delivered.push(e);
    } else {
      const d = q.push(op === 'frame' ? frameEvent(seq++) : { kind: 'warning', atMs: marker++, scope: 'test', message: 'm' });
      if (d) dropped.push(d);
    }
    maxFrames = Math.max(maxFrames, q.frameCount);
  }
  for (let e = q.shift(); e; e = q.shift()) delivered.push(e);
  return { delivered, dropped, sent: seq, markers: marker, maxFrames };
}

describe('DropQueue', () => {
  it('every frame sent is either delivered or dropped, exactly once', () => {
    fc.assert(
      fc.property(fc.constantFrom('latest' as const, 'drop-newest' as const), fc.integer({ min: 1, max: 8 }), ops, (policy, cap, script) => {
        const r = play(policy, cap, script);
        const seqs = [...r.delivered.filter((e) => e.kind === 'frame').map((e) => (e as FrameEvent).seq), ...r.dropped.map((f) => f.seq)];
        expect(seqs.sort((a, b) => a - b)).toEqual([...Array(r.sent).keys()]);
      }),
    );
  });

  it('never holds more frames than its capacity', () => {
    fc.assert(
      fc.property(fc.constantFrom('latest' as const, 'drop-newest' as const), fc.integer({ min: 1, max: 8 }), ops, (policy, cap, script) => {
        expect(play(policy, cap, script).maxFrames).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it('never drops or reorders events that are not frames, and delivers frames in seq order', () => {
    fc.assert(
      fc.property(fc.constantFrom('latest' as const, 'drop-newest' as const), fc.integer({ min: 1, max: 8 }), ops, (policy, cap, script) => {
        const r = play(policy, cap, script);
        expect(r.delivered.filter((e) => e.kind === 'warning').map((e) => e.atMs)).toEqual([...Array(r.markers).keys()]);
        const seqs = r.delivered.filter((e) => e.kind === 'frame').map((e) => (e as FrameEvent).seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }),
    );
  });

  it('latest keeps the newest frames and drop-newest the oldest', () => {
    const latest = play('latest', 2, ['frame', 'frame', 'frame', 'frame']);
    expect(latest.dropped.map((f) => f.seq)).toEqual([0, 1]);
    const newest = play('drop-newest', 2, ['frame', 'frame', 'frame', 'frame']);
    expect(newest.dropped.map((f) => f.seq)).toEqual([2, 3]);
  });
});
