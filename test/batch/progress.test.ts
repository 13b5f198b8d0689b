import { describe, expect, it } from 'vitest';
import { BatchProgress, formatDuration } from '../../src/batch/progress.js';
import { systemClock } from '../../src/core/context.js';

function fakeClock() {
  let t = 0;
  return { clock: { ...systemClock, now: () => t, monotonic: () => t }, advance: (ms: number) => (t += ms) };
}

describe('batch progress', () => {
  it('prints plain lines with exams done, frames/s and ETA when not on a terminal', () => {
    const out: string[] = [];
    const { clock, advance } = fakeClock();
    const p = new BatchProgress({ out: { write: (s: string) => out.push(s) }, total: 4, clock, intervalMs: 0, tty: false });
    p.examSkipped();
    p.examStarted();
    p.addFrames(100);
    advance(2000);
    p.examFinished(true, 'a');
    p.line();
    expect(out.at(-1)).toBe('[batch] 2/4 exams (1 already done) · 100 frames · 50.0 frames/s · ETA 4s\n');
    p.examStarted();
    p.examFinished(false, 'b', 'truncated file');
    expect(out.join('')).toContain('✖ b: truncated file — skipped, the run goes on\n');
    expect(out.join('')).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal', () => {
    const out: string[] = [];
    const { clock, advance } = fakeClock();
    const p = new BatchProgress({ out: { write: (s: string) => out.push(s), isTTY: true }, total: 2, clock, width: 4 });
    p.examStarted();
    advance(1000);
    p.examFinished(true, 'a');
    p.finish();
    const text = out.join('');
    expect(text).toContain('\r\x1b[K██░░ 1/2 exams');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('formats durations', () => {
    expect([formatDuration(4_000), formatDuration(65_000), formatDuration(3_723_000)]).toEqual(['4s', '1m05s', '1h02m']);
  });
});
