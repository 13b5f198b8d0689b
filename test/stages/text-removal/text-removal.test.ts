import { firstValueFrom, from, Observable, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AutodvtError } from '../../../src/core/errors.js';
import type { FrameEvent, PipelineEvent } from '../../../src/core/events.js';
import { textRemovalOperator, textRemovalStage } from '../../../src/stages/text-removal/index.js';
import type { OcrEngine } from '../../../src/redaction/ocr-engine.js';
import type { OcrImage, OcrMosaic } from '../../../src/redaction/ocr-image.js';
import type { OcrWord } from '../../../src/redaction/ocr-words.js';
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
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -1,
        y1 = -1;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++)
          if (img.pixels[y * img.width + x]! < 55) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x + 1);
            y1 = Math.max(y1, y + 1);
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

/** A flat static panel (x < 30) with a bright "text" block at (5..25, 5..15), beside a moving texture. */
function textFrame(seq: number, examId = 'exam-1', text = true): FrameEvent {
  return grayFrame(seq, 64, 48, (x, y) => (text && x >= 5 && x < 25 && y >= 5 && y < 15 ? 250 : x < 30 ? 10 : (x * 3 + y * 5 + seq * 17) % 120), examId);
}

const run = (events: PipelineEvent[], op: ReturnType<typeof textRemovalOperator>) => firstValueFrom(from(events).pipe(op, toArray()));

describe('text-removal stage', () => {
  it('file input: holds the warm-up frames back, then covers every frame, the first included', async () => {
    const fake = fakeEngine();
    const frames = Array.from({ length: 6 }, (_, i) => textFrame(i));
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 4, fill: 'black' }), testContext(), () => fake.engine),
    )) as FrameEvent[];
    expect(out.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const f of out) {
      expect(f.pixels[10 * 64 + 10]).toBe(0);
      expect(f.meta.redactions?.[0]).toMatchObject({ stage: 'text-removal', confidence: 0.91 });
    }
    expect(fake.calls.length).toBe(1);
    expect(fake.terminated()).toBe(1);
  });

  it('never puts the recognised text into redactions unless exposeText is set', async () => {
    const hidden = (await run(
      [textFrame(0)],
      textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fakeEngine().engine),
    )) as FrameEvent[];
    expect(JSON.stringify(hidden)).not.toContain('DOE');
    const shown = (await run(
      [textFrame(0)],
      textRemovalOperator(config({ warmupFrames: 1, exposeText: true }), testContext(), () => fakeEngine().engine),
    )) as FrameEvent[];
    expect(shown[0]!.meta.redactions?.[0]?.text).toBe('DOE');
  });

  it('frames without text pass unchanged', async () => {
    const frames = Array.from({ length: 4 }, (_, i) => textFrame(i, 'exam-1', false));
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 2 }), testContext(), () => fakeEngine().engine),
    )) as FrameEvent[];
    out.forEach((f, i) => expect(f).toBe(frames[i]));
  });

  it('fills everything outside the known ultrasound region and OCRs only inside it (plus a margin for text crossing its border)', async () => {
    const fake = fakeEngine();
    const frame = { ...textFrame(0), meta: { usRegion: { x: 30, y: 0, width: 34, height: 48 } } };
    const [out] = (await run(
      [frame],
      textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine),
    )) as FrameEvent[];
    expect(fake.calls[0]!.area).toEqual({ x: 6, y: 0, width: 58, height: 48 });
    expect(out!.pixels[10 * 64 + 10]).toBe(0);
    expect(out!.pixels[10 * 64 + 40]).toBe(frame.pixels[10 * 64 + 40]);
    expect(out!.meta.redactions).toEqual([{ x: 0, y: 0, width: 30, height: 48, stage: 'text-removal' }]);
  });

  it('masks text over more than maxMaskFraction of the frame too, and warns', async () => {
    const ctx = testContext();
    const frame = grayFrame(0, 64, 48, (x, y) => (x >= 4 && x < 60 && y >= 10 && y < 30 ? 250 : 10));
    const [out] = (await run(
      [frame],
      textRemovalOperator(config({ warmupFrames: 1, maxMaskFraction: 0.1, fill: 'black' }), ctx, () => fakeEngine().engine),
    )) as FrameEvent[];
    expect(out!.pixels.filter((v) => v === 250)).toHaveLength(0);
    expect(ctx.warnings.join()).toContain('maxMaskFraction');
  });

  it('live input: never waits for OCR, drops frames before the first mask, then uses the last mask', async () => {
    let release!: () => void;
    const fake = fakeEngine({ delay: new Promise<void>((r) => (release = r)) });
    const reportedDrops: number[] = [];
    const ctx = testContext({ live: true, frameDropped: (seq) => reportedDrops.push(seq) });
    const input = new Subject<PipelineEvent>();
    const out: FrameEvent[] = [];
    const sub = input
      .pipe(textRemovalOperator(config({ warmupFrames: 50, fill: 'black' }), ctx, () => fake.engine))
      .subscribe((e) => out.push(e as FrameEvent));
    for (let i = 0; i < 5; i++) input.next(textFrame(i));
    expect(fake.calls.length).toBe(1);
    expect(out).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    input.next(textFrame(5));
    expect(out.map((f) => f.seq)).toEqual([5]);
    expect(out[0]!.pixels[10 * 64 + 10]).toBe(0);
    expect(ctx.warnings.join()).toContain('dropped 5 frames');
    expect(ctx.warnings.join()).not.toContain('[stage:text-removal]'); // the warning channel adds the scope itself
    // Each dropped frame is reported, so the pipeline's in-flight gate lets the next one in at once.
    expect(reportedDrops).toEqual([0, 1, 2, 3, 4]);
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
    await firstValueFrom(
      endless.pipe(
        textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine),
        take(1),
      ),
    );
    expect(fake.terminated()).toBe(1);
  });

  it('starts over on a new exam (a new overlay)', async () => {
    const fake = fakeEngine();
    const events = [textFrame(0, 'a'), textFrame(1, 'a'), { kind: 'exam-start', examId: 'b', uri: 'x' } as PipelineEvent, textFrame(2, 'b')];
    await run(
      events,
      textRemovalOperator(config({ warmupFrames: 1 }), testContext(), () => fake.engine),
    );
    expect(fake.calls.length).toBe(2);
  });

  describe('static ink (no OCR needed)', () => {
    const W = 96;
    const H = 64;
    /** Speckle that changes every frame (the ultrasound image), hashed so that it holds no text. */
    const speckle = (x: number, y: number, seq: number) =>
      Math.imul(Math.imul(x + 1, 374761393) ^ Math.imul(y + 1, 668265263) ^ Math.imul(seq + 1, 2246822519), 3266489917) >>> 24;
    /** A digit-like glyph: a 2x10 bar with a foot, 220 on a flat panel of 10. */
    const glyph = (x: number, y: number, gx: number, gy: number) =>
      (x >= gx && x < gx + 2 && y >= gy && y < gy + 10) || (y === gy + 9 && x >= gx - 2 && x < gx + 4);
    /** Left third: a flat static panel; the rest: moving speckle. `at` places the glyph. */
    const frame = (seq: number, at: { x: number; y: number }) =>
      grayFrame(seq, W, H, (x, y) => (glyph(x, y, at.x, at.y) ? 220 : x < 32 ? 10 : speckle(x, y, seq)));
    const silent = (): OcrEngine => ({ recognize: async () => [], terminate: async () => {} });
    const inGlyph = (f: FrameEvent, at: { x: number; y: number }) => [...Array(10).keys()].map((k) => f.pixels[(at.y + k) * W + at.x]);

    it('removes a lone digit on a static flat panel although OCR reads nothing there', async () => {
      const at = { x: 12, y: 20 };
      const frames = Array.from({ length: 10 }, (_, i) => frame(i, at));
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, fill: 'black' }), testContext(), silent))) as FrameEvent[];
      for (const f of out) {
        expect(inGlyph(f, at)).toEqual(Array(10).fill(0));
        expect(f.meta.redactions).toEqual([expect.objectContaining({ stage: 'text-removal', confidence: 0 })]);
      }
    });

    it('does not take a static glyph on moving speckle for text without OCR', async () => {
      const at = { x: 60, y: 20 };
      const frames = Array.from({ length: 10 }, (_, i) => frame(i, at));
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, fill: 'black' }), testContext(), silent))) as FrameEvent[];
      out.forEach((f, i) => expect(f).toBe(frames[i]));
    });

    /**
     * A header on the flat static panel above the moving image (y >= 28): a 20x20 logo
     * ring, and 2 px beside it two lines of 2x8 glyph bars, the second ending in a digit
     * that ticks (a clock: it moves between two places every 2 frames).
     */
    const headerInk = (x: number, y: number, seq: number) => {
      const logo = x >= 2 && x < 22 && y >= 2 && y < 22 && (x < 4 || x >= 20 || y < 4 || y >= 20);
      const bar = (x0: number, y0: number) => x >= x0 && x < x0 + 2 && y >= y0 && y < y0 + 8;
      const line1 = [0, 1, 2, 3, 4, 5].some((i) => bar(24 + 4 * i, 4));
      const line2 = [0, 1, 2, 3, 4].some((i) => bar(24 + 4 * i, 14)) || bar(Math.floor(seq / 2) % 2 ? 46 : 44, 14);
      return logo || line1 || line2;
    };
    const headerFrame = (seq: number) => grayFrame(seq, W, H, (x, y) => (headerInk(x, y, seq) ? 220 : y < 28 ? 10 : speckle(x, y, seq)));

    it('removes a header (logo, two lines, a ticking clock) on a static flat panel although OCR reads nothing there', async () => {
      const frames = Array.from({ length: 12 }, (_, i) => headerFrame(i));
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, fill: 'black' }), testContext(), silent))) as FrameEvent[];
      out.forEach((f, i) => {
        for (let y = 0; y < 28; y++) for (let x = 0; x < W; x++) if (headerInk(x, y, i)) expect(f.pixels[y * W + x], `frame ${i} at ${x},${y}`).toBe(0);
        // The moving image below is untouched.
        expect(f.pixels.subarray(28 * W)).toEqual(frames[i]!.pixels.subarray(28 * W));
      });
    });

    it('never masks glyph-like speckle on the moving image: a still row of glyphs with one that flickers', async () => {
      const frames = Array.from({ length: 12 }, (_, seq) =>
        grayFrame(seq, W, H, (x, y) => (y >= 28 && headerInk(x, y - 26, seq) && x >= 24 ? 220 : x < 16 ? 10 : speckle(x, y, seq))),
      );
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, fill: 'black' }), testContext(), silent))) as FrameEvent[];
      out.forEach((f, i) => expect(f).toBe(frames[i]));
    });

    it('is off with staticInk: false', async () => {
      const at = { x: 12, y: 20 };
      const frames = Array.from({ length: 10 }, (_, i) => frame(i, at));
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, staticInk: false }), testContext(), silent))) as FrameEvent[];
      out.forEach((f, i) => expect(f).toBe(frames[i]));
    });

    it('removes static ink boxes over maxMaskFraction too, with a warning', async () => {
      const ctx = testContext();
      const at = { x: 12, y: 20 };
      const frames = Array.from({ length: 10 }, (_, i) => frame(i, at));
      const out = (await run(frames, textRemovalOperator(config({ warmupFrames: 6, maxMaskFraction: 0.01, fill: 'black' }), ctx, silent))) as FrameEvent[];
      for (const f of out) expect(inGlyph(f, at)).toEqual(Array(10).fill(0));
      expect(ctx.warnings.join()).toContain('maxMaskFraction');
    });

    it('removing twice changes nothing more (the stage on its own output)', async () => {
      const at = { x: 12, y: 20 };
      const frames = Array.from({ length: 10 }, (_, i) => frame(i, at));
      const op = () => textRemovalOperator(config({ warmupFrames: 6 }), testContext(), silent);
      const once = (await run(frames, op())) as FrameEvent[];
      const twice = (await run(
        once.map((f) => ({ ...f, meta: {} })),
        op(),
      )) as FrameEvent[];
      twice.forEach((f, i) => expect(f.pixels).toEqual(once[i]!.pixels));
    });
  });

  it('once motion tells static from moving, OCR reads a mosaic of tiles around static ink, and nothing when every cluster is covered', async () => {
    // The text shows from frame 1 on: the look-ahead read of frame 0 (the whole frame) finds none.
    const frames = Array.from({ length: 14 }, (_, i) => textFrame(i, 'exam-1', i >= 1));
    const tiles = fakeEngine();
    await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 4, keyframeInterval: 6, keyframeDelay: 0 }), testContext(), () => tiles.engine),
    );
    // Keyframes at frames 0 (look-ahead), 3 and 9; at 9 the only cluster lies inside the mask already.
    expect(tiles.calls).toHaveLength(2);
    expect(tiles.calls[0]!.area).toEqual({ x: 0, y: 0, width: 64, height: 48 });
    expect((tiles.calls[1] as OcrMosaic).tiles.map((t) => t.area)).toEqual([{ x: 0, y: 0, width: 30, height: 20 }]);
    const whole = fakeEngine();
    await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 4, keyframeInterval: 6, keyframeDelay: 0, ocrScope: 'area' }), testContext(), () => whole.engine),
    );
    expect(whole.calls.map((c) => c.area)).toEqual([0, 1, 2].map(() => ({ x: 0, y: 0, width: 64, height: 48 })));
  });

  it('file input: periodic keyframes run in the background and apply keyframeDelay frames later, whatever the OCR timing', async () => {
    // A second text block appears at frame 9 on the static panel; overlay-change
    // keyframes are off, so only the periodic keyframe (every 6 frames) can find it.
    const frames = Array.from({ length: 24 }, (_, i) =>
      grayFrame(i, 64, 48, (x, y) =>
        (x >= 5 && x < 25 && y >= 5 && y < 15) || (i >= 9 && x >= 5 && x < 25 && y >= 30 && y < 40) ? 250 : x < 30 ? 10 : (x * 3 + y * 5 + i * 17) % 120,
      ),
    );
    const covered = (f: FrameEvent) => f.pixels[35 * 64 + 10] === 0;
    /** Covered by a box OCR read (confidence 0.91), not only as an overlay change OCR has not answered yet (confidence 0). */
    const read = (f: FrameEvent) =>
      (f.meta.redactions ?? []).some((r) => r.confidence === 0.91 && r.x <= 10 && r.x + r.width > 10 && r.y <= 35 && r.y + r.height > 35);
    for (const ocrScope of ['area', 'static-ink'] as const) {
      const outputs: FrameEvent[][] = [];
      for (const ocrMs of [0, 5, 40]) {
        const fake = fakeEngine({ delay: new Promise((r) => setTimeout(r, ocrMs)) });
        const op = textRemovalOperator(
          config({
            warmupFrames: 4,
            keyframeInterval: 6,
            keyframeDelay: 3,
            overlayChangePixels: 1e9,
            fill: 'black',
            ocrScope,
            staticInk: false,
            maxMaskFraction: 0.5,
          }),
          testContext(),
          () => fake.engine,
        );
        outputs.push((await run(frames, op)) as FrameEvent[]);
      }
      // Keyframes at frames 3 (first), 9, 15, 21: the one at 9 sees the block and applies at
      // frame 12; until then the block is removed as an overlay change (fail closed).
      expect(outputs[0]!.map(read)).toEqual(frames.map((_, i) => i >= 12));
      expect(outputs[0]!.map(covered)).toEqual(frames.map((_, i) => i >= 9));
      for (const out of outputs.slice(1)) out.forEach((f, i) => expect(f.pixels).toEqual(outputs[0]![i]!.pixels));
    }
  });
});
