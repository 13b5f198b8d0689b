/**
 * Text removal works only where and when the screen changes (issue 20): the tracker looks
 * only at cells that have not moved and keeps its answers while no cell changes, and an
 * inpainted box is copied while the ring around it holds the same pixels. Checked here:
 *   - the tracker answers exactly as the one-pass-over-every-cell tracker it replaced
 *     (reference-tracker.ts), on random screens with moving parts, text appearing and
 *     going, and keyframes at random frames;
 *   - filling with the cache gives the same pixels as filling without;
 *   - text that appears after a long static stretch is removed from its first frame on, in
 *     file and live input (the same latency as before: none).
 */
import fc from 'fast-check';
import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { FrameEvent, PipelineEvent } from '../../../src/core/events.js';
import { fillBoxes, InpaintCache } from '../../../src/redaction/fill.js';
import type { OcrEngine } from '../../../src/redaction/ocr-engine.js';
import { StaticOverlayTracker } from '../../../src/redaction/static-overlay.js';
import { textRemovalOperator, textRemovalStage } from '../../../src/stages/text-removal/index.js';
import { grayFrame } from '../../helpers/frames.js';
import { testContext } from '../../helpers/test-context.js';
import { ReferenceTracker } from './reference-tracker.js';
import { blockReader } from './block-reader.js';

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('static-overlay tracker: only cells that have not moved are looked at', () => {
  it('answers exactly as the tracker that looked at every cell of every frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 48 }),
        fc.integer({ min: 4, max: 36 }),
        fc.integer({ min: 2, max: 70 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(1, 2, 3),
        (width, height, frames, seed, step) => {
          const rnd = prng(seed);
          const base = Uint8Array.from({ length: width * height }, () => Math.floor(rnd() * 256));
          // Moving rectangle (the image), changing every frame or drifting slowly.
          const mx = Math.floor(rnd() * width),
            my = Math.floor(rnd() * height);
          const mw = Math.floor(rnd() * width),
            mh = Math.floor(rnd() * height);
          const slow = rnd() < 0.5;
          // Text blocks that appear and go at random frames.
          const blocks = Array.from({ length: 3 }, () => ({
            x: Math.floor(rnd() * width),
            y: Math.floor(rnd() * height),
            w: 1 + Math.floor(rnd() * 8),
            h: 1 + Math.floor(rnd() * 6),
            from: Math.floor(rnd() * frames),
            to: Math.floor(rnd() * frames * 1.5),
            value: Math.floor(rnd() * 256),
          }));
          const options = { step, tolerance: 8 + Math.floor(rnd() * 16) };
          // The threshold kept up to date as cells change: either of the two asked below.
          const now = new StaticOverlayTracker(width, height, { ...options, watchChange: rnd() < 0.5 ? options.tolerance : 48 });
          const ref = new ReferenceTracker(width, height, options);
          for (let f = 0; f < frames; f++) {
            const px = base.slice();
            for (let y = my; y < Math.min(height, my + mh); y++) {
              for (let x = mx; x < Math.min(width, mx + mw); x++) {
                px[y * width + x] = slow ? (base[y * width + x]! + f * 9) & 255 : Math.floor(rnd() * 256);
              }
            }
            for (const b of blocks) {
              if (f < b.from || f >= b.to) continue;
              for (let y = b.y; y < Math.min(height, b.y + b.h); y++) for (let x = b.x; x < Math.min(width, b.x + b.w); x++) px[y * width + x] = b.value;
            }
            // A few pixels of codec noise anywhere.
            for (let i = 0; i < 3; i++) px[Math.floor(rnd() * px.length)] = Math.floor(rnd() * 256);
            expect(now.update(px), `frame ${f}: changed pixels`).toBe(ref.update(px));
            expect(now.motion()).toBe(ref.motion());
            expect(now.mature(5)).toBe(ref.mature(5));
            if (rnd() < 0.15) {
              now.markKeyframe();
              ref.markKeyframe();
            }
            if (rnd() < 0.5 || f === frames - 1) {
              expect(now.movingMap()).toEqual(ref.movingMap());
              for (const minChange of [options.tolerance, 48]) expect(now.changedSinceKeyframe(minChange)).toEqual(ref.changedSinceKeyframe(minChange));
              const box = {
                x: Math.floor(rnd() * width),
                y: Math.floor(rnd() * height),
                width: 1 + Math.floor(rnd() * width),
                height: 1 + Math.floor(rnd() * height),
              };
              expect(now.staticFraction(box)).toBe(ref.staticFraction(box));
              expect(now.staticFraction(box, now.movingMap())).toBe(ref.staticFraction(box, ref.movingMap()));
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);

  it('keeps its answers while nothing changes, and gives new ones once a cell changes', () => {
    const t = new StaticOverlayTracker(20, 10);
    const px = new Uint8Array(200).fill(50);
    t.update(px);
    t.markKeyframe();
    t.update(px);
    const v = t.version;
    const map = t.movingMap();
    const changed = t.changedSinceKeyframe(48);
    t.update(px);
    expect(t.version).toBe(v);
    expect(t.movingMap()).toBe(map);
    expect(t.changedSinceKeyframe(48)).toBe(changed);
    px[4 * 20 + 6] = 200;
    t.update(px);
    expect(t.version).not.toBe(v);
    expect(t.changedSinceKeyframe(48)).toEqual([{ x: 4, y: 2, width: 6, height: 6 }]);
  });
});

describe('inpainting with the cache', () => {
  it('gives the same pixels as inpainting every box anew, frame after frame', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const rnd = prng(seed);
        const width = 10 + Math.floor(rnd() * 40);
        const height = 8 + Math.floor(rnd() * 30);
        const base = Uint8Array.from({ length: width * height }, () => Math.floor(rnd() * 256));
        const boxes = [
          { x: Math.floor(rnd() * width) - 2, y: Math.floor(rnd() * height) - 2, width: 1 + Math.floor(rnd() * 12), height: 1 + Math.floor(rnd() * 8) },
        ];
        const cache = new InpaintCache();
        for (let f = 0; f < 12; f++) {
          const px = base.slice();
          // Sometimes a pixel anywhere changes (on the ring or not), sometimes the box moves.
          if (rnd() < 0.5) px[Math.floor(rnd() * px.length)] = Math.floor(rnd() * 256);
          if (rnd() < 0.2) boxes[0] = { ...boxes[0]!, x: boxes[0]!.x + 1 };
          const plain = { width, height, pixels: px.slice() };
          const cached = { width, height, pixels: px.slice() };
          fillBoxes(plain, boxes, 'inpaint', 7);
          fillBoxes(cached, boxes, 'inpaint', 7, cache);
          expect(cached.pixels).toEqual(plain.pixels);
        }
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});

const W = 64;
const H = 48;
const TEXT = 250;
const PANEL = 10;
const config = (over: Record<string, unknown> = {}) => textRemovalStage.schema.parse({ polarity: 'light-on-dark', scale: 1, fill: 'black', ...over });
const inBlock = (x: number, y: number, top: number) => x >= 5 && x < 25 && y >= top && y < top + 10;
/** A flat static panel (x < 30) beside a moving texture; a text block at y 5 always, one at y 25 from frame `newAt` on. */
const frameWithText = (seq: number, newAt: number) =>
  grayFrame(seq, W, H, (x, y) => (inBlock(x, y, 5) || (seq >= newAt && inBlock(x, y, 25)) ? TEXT : x < 30 ? PANEL : (x * 3 + y * 5 + seq * 17) % 120));
const textLeft = (f: FrameEvent, top: number) => {
  let n = 0;
  for (let y = top; y < top + 10; y++) for (let x = 5; x < 25; x++) if (f.pixels[y * W + x] === TEXT) n++;
  return n;
};

/** Every block read as the confident word "DOE". */
const confidentReader = (gate?: () => Promise<void>): OcrEngine => blockReader(gate, () => ({ text: 'DOE', confidence: 90 })).engine;

describe('text that appears after a long static stretch', () => {
  // 400 frames: the overlay holds still for 250 frames (a periodic keyframe at frame 165
  // finds nothing new), then a line of text appears and stays.
  const NEW_AT = 250;
  const N = 400;

  it('file input: removed from its first frame on', async () => {
    const frames = Array.from({ length: N }, (_, i) => frameWithText(i, NEW_AT));
    const events: PipelineEvent[] = await firstValueFrom(
      from(frames).pipe(
        textRemovalOperator(config(), testContext(), () => confidentReader()),
        toArray(),
      ),
    );
    const out = events as FrameEvent[];
    expect(out.map((f) => f.seq)).toEqual(frames.map((f) => f.seq));
    for (const f of out) expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
    for (const f of out.filter((f) => f.seq >= NEW_AT)) expect(textLeft(f, 25), `frame ${f.seq}, the line that appeared at frame ${NEW_AT}`).toBe(0);
    // Before it appeared, the panel where it appears was left alone.
    expect(out[NEW_AT - 1]!.pixels[30 * W + 10]).toBe(PANEL);
  });

  it('live input: removed from its first frame on while OCR has not answered', async () => {
    let slow = false;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const engine = confidentReader(() => (slow ? held : Promise.resolve()));
    const input = new Subject<PipelineEvent>();
    const out: FrameEvent[] = [];
    const sub = input.pipe(textRemovalOperator(config(), testContext({ live: true }), () => engine)).subscribe((e) => out.push(e as FrameEvent));
    // The first keyframes answer at once (frames 5 and 15), and the periodic one.
    for (let i = 0; i < NEW_AT - 10; i++) {
      input.next(frameWithText(i, NEW_AT));
      await new Promise((r) => setTimeout(r, 0));
    }
    slow = true;
    for (let i = NEW_AT - 10; i < N; i++) input.next(frameWithText(i, NEW_AT));
    const after = out.filter((f) => f.seq >= NEW_AT);
    expect(after).toHaveLength(N - NEW_AT);
    for (const f of out) expect(textLeft(f, 5), `frame ${f.seq}, first line`).toBe(0);
    for (const f of after) expect(textLeft(f, 25), `frame ${f.seq}, the line that appeared at frame ${NEW_AT}`).toBe(0);
    release();
    sub.unsubscribe();
  });
});
