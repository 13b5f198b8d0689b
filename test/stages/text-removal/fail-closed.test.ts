/**
 * Text removal fails closed: text OCR found is never left in place because the mask
 * grew large, and text that appears mid-stream is masked from its first frame on, in
 * live input (OCR has not answered yet) and in file input (between two keyframes).
 * The OCR engine is a fake that reads every bright block as one confident word.
 */
import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { FrameEvent, PipelineEvent } from '../../../src/core/events.js';
import { textRemovalOperator, textRemovalStage } from '../../../src/stages/text-removal/index.js';
import { grayFrame } from '../../helpers/frames.js';
import { blockReader } from './block-reader.js';
import { testContext } from '../../helpers/test-context.js';

const W = 64;
const H = 48;
const config = (over: Record<string, unknown> = {}) => textRemovalStage.schema.parse({ polarity: 'light-on-dark', scale: 1, fill: 'black', ...over });

const TEXT = 250;
const PANEL = 10;
/** Inside a 20x10 block of text at (5, y). */
const inBlock = (x: number, y: number, top: number) => x >= 5 && x < 25 && y >= top && y < top + 10;
/** A flat static panel (x < 30) beside a moving texture; a text block at y 5 always, one at y 25 from frame `newAt` on. */
const frameWithText = (seq: number, newAt: number) =>
  grayFrame(seq, W, H, (x, y) => (inBlock(x, y, 5) || (seq >= newAt && inBlock(x, y, 25)) ? TEXT : x < 30 ? PANEL : (x * 3 + y * 5 + seq * 17) % 120));
/** Pixels of the block at `top` still at the text's gray level. */
const textLeft = (f: FrameEvent, top: number) => {
  let n = 0;
  for (let y = top; y < top + 10; y++) for (let x = 5; x < 25; x++) if (f.pixels[y * W + x] === TEXT) n++;
  return n;
};
const run = (events: PipelineEvent[], op: ReturnType<typeof textRemovalOperator>) => firstValueFrom(from(events).pipe(op, toArray()));

describe('text removal fails closed', () => {
  it('masks every box OCR finds even when they cover more than maxMaskFraction, and warns with counts only', async () => {
    // Two lines of text, each 24x14 once padded: 672 of 3072 pixels, over a 15% cap.
    const frames = Array.from({ length: 8 }, (_, i) => frameWithText(i, 0));
    const ctx = testContext();
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 4, maxMaskFraction: 0.15 }), ctx, () => blockReader().engine),
    )) as FrameEvent[];
    expect(out).toHaveLength(8);
    for (const f of out) {
      expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
      expect(textLeft(f, 25), `frame ${f.seq}, second line`).toBe(0);
    }
    expect(ctx.warnings.join()).toContain('maxMaskFraction');
    expect(ctx.warnings.join()).not.toMatch(/JOHN|DOE/);
  });

  it('live input: text that appears mid-stream is masked from its first frame, while OCR has not answered', async () => {
    // OCR answers only when released: the first keyframe's answer comes at once, later
    // ones are held back until every frame has gone through (a slow worker).
    let slow = false;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const reader = blockReader(() => (slow ? held : Promise.resolve()));
    const ctx = testContext({ live: true });
    const input = new Subject<PipelineEvent>();
    const out: FrameEvent[] = [];
    const sub = input.pipe(textRemovalOperator(config({ warmupFrames: 6 }), ctx, () => reader.engine)).subscribe((e) => out.push(e as FrameEvent));
    // The first two keyframes (frames 5 and 6) answer at once.
    for (let i = 0; i < 8; i++) {
      input.next(frameWithText(i, 40));
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(out.length).toBeGreaterThan(0);
    slow = true;
    for (let i = 8; i < 80; i++) input.next(frameWithText(i, 40));
    const after = out.filter((f) => f.seq >= 40);
    expect(after.length).toBeGreaterThan(0);
    for (const f of out) expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
    for (const f of after) expect(textLeft(f, 25), `frame ${f.seq}, the line that appeared at frame 40`).toBe(0);
    release();
    sub.unsubscribe();
  });

  it('file input: text that appears between two keyframes is masked from its first frame', async () => {
    // The first keyframe is frame 5; the overlay changes at frame 12, and the next
    // change keyframe is due only minKeyframeGap (30) frames after the first.
    const frames = Array.from({ length: 50 }, (_, i) => frameWithText(i, 12));
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 6 }), testContext(), () => blockReader().engine),
    )) as FrameEvent[];
    expect(out.map((f) => f.seq)).toEqual(frames.map((f) => f.seq));
    for (const f of out) expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
    for (const f of out.filter((f) => f.seq >= 12)) expect(textLeft(f, 25), `frame ${f.seq}, the line that appeared at frame 12`).toBe(0);
  });

  it('file input: text shown only in the first frames (gone by the end of the warm-up) is masked there too', async () => {
    // A measurement line shown in frames 0-2 only; the warm-up keyframe (frame 5) cannot see it.
    const frames = Array.from({ length: 10 }, (_, i) =>
      grayFrame(i, W, H, (x, y) => (inBlock(x, y, 5) || (i < 3 && inBlock(x, y, 25)) ? TEXT : x < 30 ? PANEL : (x * 3 + y * 5 + i * 17) % 120)),
    );
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 6 }), testContext(), () => blockReader().engine),
    )) as FrameEvent[];
    for (const f of out) expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
    for (const f of out.slice(0, 3)) expect(textLeft(f, 25), `frame ${f.seq}, the line of the first frames`).toBe(0);
  });

  it('lets the image go again once OCR has answered for a change that held no text', async () => {
    // The panel brightens in a 22 px spot at frame 12 (no text: taller than maxTextHeight,
    // and the fake reads only bright blocks);
    // it is masked until the change keyframe (frame 35) has answered, then no longer.
    const spot = (x: number, y: number) => x >= 4 && x < 26 && y >= 24 && y < 46;
    const frames = Array.from({ length: 50 }, (_, i) =>
      grayFrame(i, W, H, (x, y) => (inBlock(x, y, 5) ? TEXT : i >= 12 && spot(x, y) ? 80 : x < 30 ? PANEL : (x * 3 + y * 5 + i * 17) % 120)),
    );
    const out = (await run(
      frames,
      textRemovalOperator(config({ warmupFrames: 6, maxTextHeight: 16 }), testContext(), () => blockReader().engine),
    )) as FrameEvent[];
    expect(out[20]!.pixels[35 * W + 12]).toBe(0);
    expect(out[49]!.pixels[35 * W + 12]).toBe(80);
  });
});
