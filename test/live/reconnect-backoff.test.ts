/**
 * Reconnect back-off on virtual time: a live input that keeps failing is retried after
 * backoffMs, then twice as long each time up to maxBackoffMs, then given up; no attempt
 * starts before its wait has passed on the pipeline clock. The waits are seconds of
 * virtual time and cost milliseconds of real time (each attempt is a real ffmpeg that
 * fails to open a missing file).
 */
import { describe, expect, it, vi } from 'vitest';
import { liveSession } from '../../src/live/live-session.js';
import { SeqCounter } from '../../src/sources/async-event-source.js';
import { manualClock } from '../helpers/manual-clock.js';
import type { PipelineEvent } from '../../src/core/events.js';

describe('live reconnect back-off', () => {
  it('waits 2 s, 4 s, then 5 s (capped) on the clock between attempts, then gives up after 3', async () => {
    const clock = manualClock(1_000_000);
    const warnings: string[] = [];
    let connects = 0;
    const session = liveSession(
      {
        ctx: { clock, warn: (m: string) => void warnings.push(m) },
        scope: 'source:test',
        uri: 'missing.nut',
        examId: 'e1',
        seqs: new SeqCounter(),
        connect: () => {
          connects++;
          return { input: '/nonexistent/autodvt-missing.nut', inputOptions: [], label: 'missing.nut' };
        },
        stallTimeoutMs: 60_000,
        openTimeoutMs: 60_000,
        reconnect: { attempts: 3, backoffMs: 2000, maxBackoffMs: 5000 },
        onEnd: 'reconnect',
        reopenable: true,
      },
      new AbortController().signal,
    );
    const events: PipelineEvent[] = [];
    const done = (async () => {
      for await (const e of session) events.push(e);
    })();

    const reconnecting = () => warnings.filter((w) => w.includes('reconnecting in'));
    for (const [attempt, wait] of [
      [1, 2000],
      [2, 4000],
      [3, 5000],
    ] as const) {
      await vi.waitFor(() => expect(reconnecting()).toHaveLength(attempt), { timeout: 10_000 });
      expect(reconnecting()[attempt - 1]).toContain(`reconnecting in ${wait} ms (attempt ${attempt} of 3)`);
      expect(connects).toBe(attempt);
      clock.advance(wait - 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(connects, `attempt ${attempt + 1} started before its ${wait} ms wait`).toBe(attempt);
      clock.advance(1);
      await vi.waitFor(() => expect(connects).toBe(attempt + 1), { timeout: 2_000 });
    }
    await done;
    expect(warnings.at(-1)).toMatch(/giving up on missing\.nut: input lost: .*gave up after 3 reconnect attempts; 0 frames seen/);
    const exam = events.find((e) => e.kind === 'exam');
    expect(exam).toMatchObject({ kind: 'exam', frames: 0 });
    expect(clock.pending()).toBe(0);
  }, 30_000);
});
