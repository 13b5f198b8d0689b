import { firstValueFrom, from, Observable, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AutodvtError } from '../../../src/errors.js';
import type { FrameEvent, PipelineEvent } from '../../../src/events.js';
import { textRemovalOperator, textRemovalStage } from '../../../src/stages/text-removal/index.js';
import type { OcrEngine } from '../../../src/text-removal/ocr-engine.js';
import type { OcrImage } from '../../../src/text-removal/ocr-image.js';
import type { OcrWord } from '../../../src/text-removal/ocr-words.js';
import { grayFrame } from '../../helpers/frames.js';
import { testContext } from '../../helpers/test-context.js';

const config = (over: Record<string, unknown> = {}) => textRemovalStage.schema.parse({ polarity: 'light-on-dark', scale: 1, ...over });

/** A fake OCR engine: reports one confident word wherever the image has pixels above 200 (after inversion: below 55). */
function fakeEngine(opts: { delay?: Promise<void>; fail?: boolean } = {}) {
  const calls: OcrImage[] = [];
  let terminated = 0;
  const engine: OcrEngine = {
    async recognize(img) {
      calls.push(img);
      await opts.delay;
      if (opts.fail) throw new Error('worker crashed');
      let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++)
          if (img.pixels[y * img.width + x]! < 55) {
            x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
          }
      const words: OcrWord[] = x1 < 0 ? [] : [{ x0, y0, x1, y1, confidence: 91, text: 'DOE' }];
      return words;
    },
    async terminate() {
      terminated++;
    },
  };
  return { engine, calls, terminated: () => terminated };
}

/** Moving texture with a bright "text" block at (5..25, 5..15). */
function textFrame(seq: number, examId = 'exam-1', text = true): FrameEvent {
  return grayFrame(seq, 64, 48, (x, y) => (text && x >= 5 && x < 25 && y >= 5 && y < 15 ? 250 : (x * 3 + y * 5 + seq * 17) % 120), examId);
}

const run = (events: PipelineEvent[], op: ReturnType<typeof textRemovalOperator>) => firstValueFrom(from(events).pipe(op, toArray()));

describe('text-removal stage', () => {
  it('file input: holds the warm-up frames back, then covers every frame, the first included', async () => {
    const fake = fakeEngine();
    const frames = Array.from({ length: 6 }, (_, i) => textFrame(i));
    const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 4, fill: 'black' }), testContext(), () => fake.engine))) as FrameEvent[];
    expect(out.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const f of out) {
      expect(f.pixels[10 * 64 + 10]).toBe(0);
      expect(f.meta.redactions?.[0]).toMatchObject({ stage: 'text-removal', confidence: 0.91 });
    }
    expect(fake.calls.length).toBe(1);
    expect(fake.terminated()).toBe(1);
  });

  it('never puts the recognised text into redactions unless exposeText is set', async () => {
    const hidden = (await run([textFrame(0)], textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fakeEngine().engine))) as FrameEvent[];
    expect(JSON.stringify(hidden)).not.toContain('DOE');
    const shown = (await run([textFrame(0)], textRemovalOperator(config({ warmupFrames: 1, exposeText: true }), testContext(), () => fakeEngine().engine))) as FrameEvent[];
    expect(shown[0]!.meta.redactions?.[0]?.text).toBe('DOE');
  });

  it('frames without text pass unchanged', async () => {
    const frames = Array.from({ length: 4 }, (_, i) => textFrame(i, 'exam-1', false));
    const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 2 }), testContext(), () => fakeEngine().engine))) as FrameEvent[];
    out.forEach((f, i) => expect(f).toBe(frames[i]));
  });

  it('fills everything outside the known ultrasound region and OCRs only inside it (plus a margin for text crossing its border)', async () => {
    const fake = fakeEngine();
    const frame = { ...textFrame(0), meta: { usRegion: { x: 30, y: 0, width: 34, height: 48 } } };
    const [out] = (await run([frame], textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine))) as FrameEvent[];
    expect(fake.calls[0]!.area).toEqual({ x: 6, y: 0, width: 58, height: 48 });
    expect(out!.pixels[10 * 64 + 10]).toBe(0);
    expect(out!.pixels[10 * 64 + 40]).toBe(frame.pixels[10 * 64 + 40]);
    expect(out!.meta.redactions).toEqual([{ x: 0, y: 0, width: 30, height: 48, stage: 'text-removal' }]);
  });

  it('keeps the mask within maxMaskFraction of the frame and warns', async () => {
    const ctx = testContext();
    const frame = grayFrame(0, 64, 48, () => 250);
    const [out] = (await run([frame], textRemovalOperator(config({ warmupFrames: 1, maxMaskFraction: 0.1 }), ctx, () => fakeEngine().engine))) as FrameEvent[];
    expect(out).toBe(frame);
    expect(ctx.warnings.join()).toContain('maxMaskFraction');
  });

  it('live input: never waits for OCR, drops frames before the first mask, then uses the last mask', async () => {
    let release!: () => void;
    const fake = fakeEngine({ delay: new Promise<void>((r) => (release = r)) });
    const ctx = testContext({ live: true });
    const input = new Subject<PipelineEvent>();
    const out: FrameEvent[] = [];
    const sub = input.pipe(textRemovalOperator(config({ warmupFrames: 50, fill: 'black' }), ctx, () => fake.engine)).subscribe((e) => out.push(e as FrameEvent));
    for (let i = 0; i < 5; i++) input.next(textFrame(i));
    expect(fake.calls.length).toBe(1);
    expect(out).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    input.next(textFrame(5));
    expect(out.map((f) => f.seq)).toEqual([5]);
    expect(out[0]!.pixels[10 * 64 + 10]).toBe(0);
    expect(ctx.warnings.join()).toContain('dropped 5 frames');
    sub.unsubscribe();
    expect(fake.terminated()).toBe(1);
  });

  it('fails with a stage:text-removal error when an OCR worker fails', async () => {
    const op = textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fakeEngine({ fail: true }).engine);
    const err = await run([textFrame(0)], op).catch((e) => e);
    expect(err).toBeInstanceOf(AutodvtError);
    expect(err.scope).toBe('stage:text-removal');
    expect(err.message).toContain('worker crashed');
  });

  it('terminates its OCR workers when the subscriber leaves', async () => {
    const fake = fakeEngine();
    const endless = new Observable<PipelineEvent>((s) => {
      for (let i = 0; i < 3; i++) s.next(textFrame(i));
    });
    await firstValueFrom(endless.pipe(textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine), take(1)));
    expect(fake.terminated()).toBe(1);
  });

  it('starts over on a new exam (a new overlay)', async () => {
    const fake = fakeEngine();
    const events = [textFrame(0, 'a'), textFrame(1, 'a'), { kind: 'exam-start', examId: 'b', uri: 'x' } as PipelineEvent, textFrame(2, 'b')];
    await run(events, textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine));
    expect(fake.calls.length).toBe(2);
  });
});
