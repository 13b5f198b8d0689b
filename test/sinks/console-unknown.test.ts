/** The console sink shows unknown windows as `unknown` and says why an exam of them is incomplete. */
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/core/events.js';
import { consoleSink } from '../../src/sinks/console.js';
import { testContext } from '../helpers/test-context.js';

const prediction = (seq: number, unknown: boolean): PipelineEvent => ({
  kind: 'prediction',
  seq,
  ptsMs: seq * 100,
  examId: 'e',
  landmark: { BG: 0.01, LM1: 0.98, LM2: 0.01 },
  pClosed: 0.9,
  modelId: 'm',
  latencyMs: 1,
  inDistribution: { score: unknown ? 120 : 20, threshold: 40, unknown },
});

describe('console sink: unknown windows', () => {
  it('the live line says unknown instead of a landmark, the exam line gives the reason and the count', async () => {
    let t = 0;
    const base = testContext();
    const ctx = testContext({ clock: { ...base.clock, now: () => t, monotonic: () => (t += 600) } });
    const events: PipelineEvent[] = [
      prediction(1, false),
      prediction(2, true),
      {
        kind: 'state',
        seq: 2,
        ptsMs: 200,
        examId: 'e',
        landmark: 'BG',
        vein: 'unknown',
        smoothed: { landmark: { BG: 1, LM1: 0, LM2: 0 }, pClosed: 0 },
        unknownWindow: true,
      },
      prediction(3, true),
      {
        kind: 'exam',
        examId: 'e',
        uri: 'clip.mp4',
        frames: 3,
        durationMs: 300,
        verdict: 'incomplete',
        incompleteReason: "images unlike the model's training data",
        inDistribution: { windows: 3, unknown: 2 },
      },
    ];
    await lastValueFrom(from(events).pipe(await consoleSink.build({ intervalMs: 1000, warnings: true } as never, ctx)), { defaultValue: undefined });
    const out = ctx.output.join('');
    expect(out).toMatch(/model unknown \(model score 120 > 40\)/);
    expect(out).toMatch(/state unknown/);
    expect(out).toContain("exam e: 3 frames, 0.3s, 2 of 3 windows unknown — incomplete (images unlike the model's training data)");
    expect(out).not.toContain('ended early');
    expect(out).toMatch(/3 predictions \(2 unknown: unlike the training data\)/);
  });
});
