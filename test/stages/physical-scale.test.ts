import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import type { FrameEvent, PipelineEvent, PredictionEvent } from '../../src/core/events.js';
import { runPipeline } from '../../src/pipeline.js';
import { physicalScaleStage } from '../../src/stages/physical-scale.js';
import { grayFrame } from '../helpers/frames.js';
import { testContext } from '../helpers/test-context.js';

async function through(frames: FrameEvent[], config: Record<string, unknown> = {}) {
  const ctx = testContext();
  const op = await physicalScaleStage.build(physicalScaleStage.schema.parse(config), ctx);
  const events: PipelineEvent[] = await firstValueFrom(from<PipelineEvent[]>(frames).pipe(op, toArray<PipelineEvent>()));
  const out = events as FrameEvent[];
  return { out, warnings: ctx.warnings };
}

function withSpacing(seq: number, w: number, h: number, mm?: number, examId = 'exam-1'): FrameEvent {
  const f = grayFrame(seq, w, h, (x, y) => (x * 7 + y * 3) & 255, examId);
  return {
    ...f,
    meta: { ...(mm ? { pixelSpacingMm: { x: mm, y: mm } } : {}), usRegion: { x: 20, y: 10, width: 100, height: 60 } },
    labels: { landmark: 'BG', open: true, textBoxes: [{ x: 2, y: 4, width: 10, height: 6, text: 'ID' }] } as never,
  };
}

describe('physical-scale', () => {
  it('resamples a frame of 0.17 mm per pixel to 0.085: twice the pixels, with the region, text boxes and spacing following', async () => {
    const { out, warnings } = await through([withSpacing(0, 200, 100, 0.17)]);
    const f = out[0]!;
    expect([f.width, f.height]).toEqual([400, 200]);
    expect(f.pixels).toHaveLength(400 * 200);
    expect(f.meta.pixelSpacingMm!.x).toBeCloseTo(0.085, 6);
    expect(f.meta.usRegion).toEqual({ x: 40, y: 20, width: 200, height: 120 });
    expect(f.labels!.textBoxes![0]).toMatchObject({ x: 4, y: 8, width: 20, height: 12 });
    expect(warnings).toEqual([]);
  });

  it('leaves a frame already at the spacing as it is', async () => {
    const frame = withSpacing(0, 120, 80, 0.085);
    const { out } = await through([frame]);
    expect(out[0]).toBe(frame);
  });

  it('passes frames of unknown spacing unchanged, with one warning per exam', async () => {
    const frames = [withSpacing(0, 64, 48), withSpacing(1, 64, 48), withSpacing(2, 64, 48, undefined, 'exam-2')];
    const { out, warnings } = await through(frames);
    expect(out).toEqual(frames);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('pixel spacing unknown');
  });

  it('keeps the scale of a frame more than maxFactor away, with a warning, instead of making a huge frame', async () => {
    const frame = withSpacing(0, 64, 48, 1.0);
    const { out, warnings } = await through([frame], { maxFactor: 4 });
    expect(out[0]).toBe(frame);
    expect(warnings[0]).toMatch(/more than 4x from 0\.085 mm/);
  });

  it('tells the model-read spacing on every prediction of a pipeline, 4 x 0.085 mm after crop-pad 600 and resize 150', async () => {
    const yaml = `source: { type: synthetic, seed: 3, durationS: 1 }
stages:
  - type: physical-scale
  - type: crop-pad
    size: 600
  - type: resize
    size: 150
  - type: sliding-window
  - type: onnx-inference
sinks:
  - type: console
    intervalMs: 0
`;
    const predictions: PredictionEvent[] = [];
    const config = requireValid(parsePipeline(yaml, { env: {}, baseDir: process.cwd() }));
    await runPipeline(config, { baseDir: process.cwd(), stdout: { write: () => true }, tap: (e) => void (e.kind === 'prediction' && predictions.push(e)) });
    expect(predictions.length).toBeGreaterThan(10);
    for (const p of predictions) expect(p.pixelSpacingMm!.x).toBeCloseTo(0.34, 2);
  }, 60_000);
});
