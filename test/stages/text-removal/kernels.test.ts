import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMask } from '../../../src/redaction/apply-mask.js';
import { boxArea, intersectionArea, mergeBoxes, type MaskBox } from '../../../src/redaction/boxes.js';
import { fillBoxes, type GrayImage } from '../../../src/redaction/fill.js';

const W = 48;
const H = 40;

const image = fc.uint8Array({ minLength: W * H, maxLength: W * H }).map((pixels): GrayImage => ({ width: W, height: H, pixels }));
const box = fc
  .record({
    x: fc.integer({ min: -5, max: W }),
    y: fc.integer({ min: -5, max: H }),
    width: fc.integer({ min: 1, max: 20 }),
    height: fc.integer({ min: 1, max: 20 }),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((b): MaskBox => b);
const boxes = fc.array(box, { maxLength: 8 });
const region = fc.option(
  fc.record({
    x: fc.integer({ min: 0, max: 20 }),
    y: fc.integer({ min: 0, max: 20 }),
    width: fc.integer({ min: 1, max: W }),
    height: fc.integer({ min: 1, max: H }),
  }),
  { nil: undefined },
);
const fill = fc.constantFrom('black' as const, 'inpaint' as const);

const mask = (b: MaskBox[], r: typeof region extends fc.Arbitrary<infer R> ? R : never, f: 'black' | 'inpaint') => ({
  region: r,
  boxes: mergeBoxes(b),
  fill: f,
  fillValue: 0,
  exposeText: false,
  stage: 'text-removal',
});

describe('text-removal kernels', () => {
  it('removing twice changes nothing more (idempotence, black and inpaint, with and without a region)', () => {
    fc.assert(
      fc.property(image, boxes, region, fill, (img, b, r, f) => {
        const once = applyMask(img, mask(b, r, f));
        const twice = applyMask({ ...img, pixels: once.pixels }, mask(b, r, f));
        expect(twice.pixels).toEqual(once.pixels);
      }),
    );
  });

  it('a frame with nothing to remove keeps its very pixel buffer', () => {
    fc.assert(
      fc.property(image, fill, (img, f) => {
        const out = applyMask(img, mask([], undefined, f));
        expect(out.pixels).toBe(img.pixels);
        expect(out.redactions).toEqual([]);
      }),
    );
  });

  it('pixels outside every box and inside the region never change', () => {
    fc.assert(
      fc.property(image, boxes, region, fill, (img, b, r, f) => {
        const m = mask(b, r, f);
        const out = applyMask(img, m).pixels;
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const inRegion = !r || (x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
            const inBox = m.boxes.some((q) => intersectionArea(q, { x, y, width: 1, height: 1 }) > 0);
            if (inRegion && !inBox) expect(out[y * W + x]).toBe(img.pixels[y * W + x]);
          }
      }),
    );
  });

  it('merged boxes are disjoint, at least 2 px apart, and cover every input box', () => {
    fc.assert(
      fc.property(boxes, (b) => {
        const merged = mergeBoxes(b);
        for (let i = 0; i < merged.length; i++)
          for (let j = i + 1; j < merged.length; j++) {
            const a = merged[i]!;
            const c = merged[j]!;
            const apart = a.x >= c.x + c.width + 2 || c.x >= a.x + a.width + 2 || a.y >= c.y + c.height + 2 || c.y >= a.y + a.height + 2;
            expect(apart).toBe(true);
          }
        for (const q of b) expect(merged.some((m) => intersectionArea(m, q) === boxArea(q))).toBe(true);
      }),
    );
  });

  it('inpainting leaves no hard edge: a box in a smooth ramp is filled with the ramp', () => {
    const pixels = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels[y * W + x] = 4 * x;
    const img = { width: W, height: H, pixels: pixels.slice() };
    img.pixels.fill(255, 10 * W + 10, 10 * W + 30);
    fillBoxes(img, [{ x: 10, y: 8, width: 20, height: 6 }], 'inpaint');
    for (let y = 8; y < 14; y++) for (let x = 12; x < 28; x++) expect(Math.abs(img.pixels[y * W + x]! - 4 * x)).toBeLessThanOrEqual(2);
  });

  it('inpainting a tall box does not carry ruler ticks on its ring into the fill as streaks', () => {
    // Gray 100 with 1-px bright ticks every 4 px along the row above the box (a ruler).
    const w = 120;
    const h = 80;
    const img = { width: w, height: h, pixels: new Uint8Array(w * h).fill(100) };
    for (let x = 0; x < w; x += 4) img.pixels[9 * w + x] = 255;
    fillBoxes(img, [{ x: 20, y: 10, width: 80, height: 40 }], 'inpaint');
    // Two rows into the box, the ticks would still show as 2-px-apart stripes with a fixed 2 px filter.
    const row = Array.from({ length: 60 }, (_, i) => img.pixels[12 * w + 30 + i]!);
    // A fixed 2 px filter leaves stripes spanning 46 gray levels here; smoothing by the box's size, 11.
    expect(Math.max(...row) - Math.min(...row)).toBeLessThanOrEqual(16);
  });
});
