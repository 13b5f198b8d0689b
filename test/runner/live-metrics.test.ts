import { describe, expect, it } from 'vitest';
import { LiveMetrics } from '../../src/flow/live-metrics.js';
import { newLiveQueueStats } from '../../src/flow/live-queue.js';
import type { PipelineEvent, PredictionEvent } from '../../src/core/events.js';
import { frameEvent } from './events.js';
import { systemClock } from '../../src/core/context.js';

function manualClock() {
  let t = 0;
  return { clock: { ...systemClock, now: () => 1_000_000 + t, monotonic: () => t }, advance: (ms: number) => void (t += ms) };
}

function prediction(seq: number, captureTimeMs: number): PredictionEvent {
  return { kind: 'prediction', seq, ptsMs: 0, captureTimeMs, examId: 'exam-1', landmark: { BG: 1, LM1: 0, LM2: 0 }, pClosed: 0, modelId: 'm', latencyMs: 1 };
}

describe('LiveMetrics', () => {
  it('measures latency from capture to the last result of each frame, and counts every frame', () => {
    const { clock, advance } = manualClock();
    const queue = newLiveQueueStats();
    const m = new LiveMetrics({ clock, resultKind: 'prediction', stageIds: [], queue, memory: () => ({ heapUsedMB: 1, rssMB: 2 }) });
    const events: [number, PipelineEvent][] = [];
    for (let seq = 0; seq < 4; seq++) {
      const f = frameEvent(seq, clock.now());
      m.fromSource(f);
      m.intoStages(f);
      advance(1);
      m.atSinks(f); // the frame passes at once ...
      advance(9 + seq * 10);
      if (seq > 0) m.atSinks(prediction(seq, f.captureTimeMs!)); // ... its prediction comes later (frame 0 gives none)
      events.push([seq, f]);
    }
    m.finish();
    const s = m.snapshot(true);
    // Frames 1..3 took 20, 30, 40 ms to their prediction; frame 0 (no prediction) does not count.
    expect(s.counters).toMatchObject({ framesIn: 4, framesProcessed: 4, dropped: 0, latencySamples: 3, heapUsedMB: 1 });
    // Percentiles come from a histogram with 1 % buckets.
    expect(s.latencyMs!.p50).toBeGreaterThanOrEqual(30);
    expect(s.latencyMs!.p50).toBeLessThanOrEqual(30.3);
    expect(s.latencyMs!.p99).toBe(40);
  });

  it('counts a frame that a stage swallowed as dropped by the stages', () => {
    const { clock } = manualClock();
    const m = new LiveMetrics({ clock, resultKind: 'frame', stageIds: [] });
    for (const seq of [0, 1, 2]) {
      m.fromSource(frameEvent(seq));
      m.intoStages(frameEvent(seq));
    }
    m.atSinks(frameEvent(0));
    m.atSinks(frameEvent(2));
    m.finish();
    expect(m.snapshot(true).counters).toMatchObject({ framesIn: 3, framesProcessed: 2, dropped: 1, droppedByStages: 1, droppedByQueue: 0 });
  });

  it('warns when a frame goes over the latency budget, at most once per period', () => {
    const { clock, advance } = manualClock();
    const warnings: string[] = [];
    const m = new LiveMetrics({ clock, resultKind: 'frame', stageIds: [], latencyBudgetMs: 50, warn: (w) => warnings.push(w) });
    for (let seq = 0; seq < 5; seq++) {
      const f = frameEvent(seq, clock.now());
      m.fromSource(f);
      advance(seq % 2 === 0 ? 80 : 10);
      m.atSinks(f);
    }
    m.finish();
    expect(m.snapshot(true).counters.overBudget).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/frame 0 took 80\.0 ms from capture to its frame, over latencyBudgetMs 50/);
  });

  it('times each stage from the last event of a frame entering it to the last leaving it', () => {
    const { clock, advance } = manualClock();
    const m = new LiveMetrics({ clock, resultKind: 'prediction', stageIds: ['model'] });
    const timer = m.stages[0]!;
    const f0 = frameEvent(0, clock.now());
    timer.before(f0);
    timer.after(f0);
    timer.before({ kind: 'window', seq: 0, ptsMs: 0, examId: 'exam-1', seqs: [0], shape: [1, 1, 1, 2, 2], data: new Float32Array(4) });
    advance(25);
    timer.after(prediction(0, 0));
    timer.before(frameEvent(1));
    timer.after(frameEvent(1));
    expect(m.snapshot().counters['stageMs.model.p50']).toBe(25);
  });
});
