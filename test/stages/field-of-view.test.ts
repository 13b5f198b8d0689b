import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import type { FrameEvent, PipelineEvent, PredictionEvent } from '../../src/core/events.js';
import { runPipeline } from '../../src/pipeline.js';
import { cropPadStage } from '../../src/stages/crop-pad.js';
import { fieldOfViewStage } from '../../src/stages/field-of-view.js';
import { physicalScaleStage } from '../../src/stages/physical-scale.js';
import { resizeStage } from '../../src/stages/resize.js';
import type { StageSpec } from '../../src/core/unit.js';
import { grayFrame } from '../helpers/frames.js';
import { testContext } from '../helpers/test-context.js';

async function apply(stages: [StageSpec<any>, Record<string, unknown>][], frames: FrameEvent[]) {
  const ctx = testContext();
  let events: PipelineEvent[] = frames;
  for (const [stage, config] of stages) {
    const op = await stage.build(stage.schema.parse(config), ctx);
    events = await firstValueFrom(from<PipelineEvent[]>(events).pipe(op, toArray<PipelineEvent>()));
  }
  return { out: events as FrameEvent[], warnings: ctx.warnings };
}

/** A screen with speckle-like texture inside a B-mode region, and the region, spacing and a text box in its meta. */
function screen(seq: number, w: number, h: number, mm: number | undefined, examId = 'exam-1'): FrameEvent {
  const f = grayFrame(seq, w, h, (x, y) => ((x * 37) ^ (y * 91) ^ (x * y)) & 255, examId);
  return {
    ...f,
    meta: { ...(mm ? { pixelSpacingMm: { x: mm, y: mm } } : {}), usRegion: { x: 100, y: 60, width: w - 200, height: h - 100 } },
    labels: { landmark: 'BG', open: true, textBoxes: [{ x: 300, y: 200, width: 40, height: 20, text: 'ID' }] } as never,
  };
}

describe('field-of-view', () => {
  it('equals crop-pad 600 + resize 150 bit for bit when the spacing is unknown, and warns once per exam', async () => {
    const frames = [screen(0, 1136, 852, undefined), screen(1, 1136, 852, undefined), screen(2, 800, 600, undefined, 'exam-2')];
    const fused = await apply([[fieldOfViewStage, {}]], frames);
    const twoStep = await apply(
      [
        [cropPadStage, { size: 600 }],
        [resizeStage, { size: 150 }],
      ],
      frames,
    );
    expect(fused.out.map((f) => [f.width, f.height])).toEqual(frames.map(() => [150, 150]));
    for (let i = 0; i < frames.length; i++) {
      expect(Buffer.from(fused.out[i]!.pixels).equals(Buffer.from(twoStep.out[i]!.pixels))).toBe(true);
      expect(fused.out[i]!.meta).toEqual(twoStep.out[i]!.meta);
      expect(fused.out[i]!.labels).toEqual(twoStep.out[i]!.labels);
    }
    expect(fused.out[0]!.meta.pixelSpacingMm).toBeUndefined();
    expect(fused.warnings).toHaveLength(2);
    expect(fused.warnings[0]).toContain('pixel spacing unknown');
  });

  it('cuts size x mmPerPx mm: a 0.17 mm screen gives a 300-pixel window, a 0.0425 mm one a 1200-pixel window, both at 0.34 mm per output pixel', async () => {
    for (const [mm, window] of [
      [0.17, 300],
      [0.0425, 1200],
    ] as const) {
      const { out, warnings } = await apply([[fieldOfViewStage, {}]], [screen(0, 1600, 1200, mm)]);
      const f = out[0]!;
      expect([f.width, f.height]).toEqual([150, 150]);
      expect(f.meta.pixelSpacingMm!.x).toBeCloseTo(0.34, 9);
      expect(f.meta.pixelSpacingMm!.y).toBeCloseTo(0.34, 9);
      // The text box at (300, 200) of the 1600x1200 screen, region centre (800, 640): in the window's pixels, then scaled.
      const scale = 150 / window;
      const box = f.labels!.textBoxes![0]!;
      expect(box.x).toBe(Math.round((300 - 800 + window / 2) * scale));
      expect(box.width).toBe(Math.round(40 * scale));
      expect(warnings).toEqual([]);
    }
  });

  it('gives the image physical-scale + crop-pad + resize give, within the difference of resampling once instead of twice', async () => {
    const frame = screen(0, 1136, 852, 0.1);
    const fused = await apply([[fieldOfViewStage, {}]], [frame]);
    const threeStep = await apply(
      [
        [physicalScaleStage, { mmPerPx: 0.085 }],
        [cropPadStage, { size: 600 }],
        [resizeStage, { size: 150 }],
      ],
      [frame],
    );
    // A smooth image, so that the two resamplings differ only by interpolation error.
    const smooth = { ...frame, pixels: grayFrame(0, 1136, 852, (x, y) => Math.round(128 + 100 * Math.sin(x / 40) * Math.cos(y / 30))).pixels };
    const fusedSmooth = await apply([[fieldOfViewStage, {}]], [smooth]);
    const threeSmooth = await apply(
      [
        [physicalScaleStage, { mmPerPx: 0.085 }],
        [cropPadStage, { size: 600 }],
        [resizeStage, { size: 150 }],
      ],
      [smooth],
    );
    expect(fused.out[0]!.meta.pixelSpacingMm!.x).toBeCloseTo(threeStep.out[0]!.meta.pixelSpacingMm!.x, 2);
    let worst = 0;
    const a = fusedSmooth.out[0]!.pixels;
    const b = threeSmooth.out[0]!.pixels;
    // Inside the region (the window edge falls on the region edge in both, within a pixel).
    for (let y = 10; y < 140; y++) for (let x = 10; x < 140; x++) worst = Math.max(worst, Math.abs(a[y * 150 + x]! - b[y * 150 + x]!));
    expect(worst).toBeLessThanOrEqual(6);
  });

  it('treats a spacing more than maxFactor off as a window of screen pixels, with one warning, and keeps the spacing it saw', async () => {
    const { out, warnings } = await apply([[fieldOfViewStage, { maxFactor: 4 }]], [screen(0, 1136, 852, 1.0), screen(1, 1136, 852, 1.0)]);
    expect([out[0]!.width, out[0]!.height]).toEqual([150, 150]);
    expect(out[0]!.meta.pixelSpacingMm!.x).toBeCloseTo(4.0, 9);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/more than 4x from 600x600/);
  });

  it('gives a non-square output its own window shape', async () => {
    const { out } = await apply([[fieldOfViewStage, { width: 200, height: 100, mmPerPx: 0.2 }]], [screen(0, 1136, 852, 0.1)]);
    expect([out[0]!.width, out[0]!.height]).toEqual([200, 100]);
    expect(out[0]!.meta.pixelSpacingMm).toEqual({ x: 0.2, y: 0.2 });
  });

  it('feeds the model 0.34 mm per pixel in a pipeline, and says so on every prediction', async () => {
    const yaml = `source: { type: synthetic, seed: 3, durationS: 1 }
stages:
  - type: field-of-view
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
    // Within the rounding of the window to whole screen pixels (half a pixel in about 600).
    for (const p of predictions) expect(Math.abs(p.pixelSpacingMm!.x - 0.34)).toBeLessThan(0.34 / 600);
  }, 60_000);
});
