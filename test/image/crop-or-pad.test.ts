import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cropPad } from '../../src/image/crop-or-pad.js';

const image = fc
  .record({ width: fc.integer({ min: 1, max: 64 }), height: fc.integer({ min: 1, max: 64 }), seed: fc.integer() })
  .map(({ width, height, seed }) => {
    const pixels = new Uint8Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed) & 255;
    return { width, height, pixels };
  });
const size = fc.integer({ min: 1, max: 80 });

describe('cropPad', () => {
  it('output size is exactly the requested size', () => {
    fc.assert(
      fc.property(image, size, size, (img, w, h) => {
        const out = cropPad(img, { width: w, height: h });
        expect(out.width).toBe(w);
        expect(out.height).toBe(h);
        expect(out.pixels.length).toBe(w * h);
      }),
    );
  });

  it('the centre pixel is preserved', () => {
    fc.assert(
      fc.property(image, size, size, (img, w, h) => {
        const out = cropPad(img, { width: w, height: h });
        const src = img.pixels[Math.floor(img.height / 2) * img.width + Math.floor(img.width / 2)];
        expect(out.pixels[Math.floor(h / 2) * w + Math.floor(w / 2)]).toBe(src);
      }),
    );
  });

  it('every output pixel is a source pixel or the fill value', () => {
    fc.assert(
      fc.property(image, size, size, fc.integer({ min: 0, max: 255 }), (img, w, h, fill) => {
        const out = cropPad(img, { width: w, height: h, fill });
        const x0 = Math.floor(img.width / 2) - Math.floor(w / 2);
        const y0 = Math.floor(img.height / 2) - Math.floor(h / 2);
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const sx = x0 + x;
            const sy = y0 + y;
            const inside = sx >= 0 && sy >= 0 && sx < img.width && sy < img.height;
            expect(out.pixels[y * w + x]).toBe(inside ? img.pixels[sy * img.width + sx] : fill);
          }
      }),
      { numRuns: 50 },
    );
  });

  it('cropping to the same size and centre is the identity', () => {
    fc.assert(
      fc.property(image, (img) => {
        expect(cropPad(img, { width: img.width, height: img.height }).pixels).toEqual(img.pixels);
      }),
    );
  });

  it('cropping within a box is the same as filling outside the box first, into a new or a reused buffer', () => {
    const box = fc.record({
      x: fc.integer({ min: -20, max: 70 }),
      y: fc.integer({ min: -20, max: 70 }),
      width: fc.integer({ min: -5, max: 80 }),
      height: fc.integer({ min: -5, max: 80 }),
    });
    const centre = fc.integer({ min: -20, max: 90 });
    fc.assert(
      fc.property(image, size, size, box, centre, centre, fc.integer({ min: 0, max: 255 }), fc.boolean(), (img, w, h, within, cx, cy, fill, reuse) => {
        const blanked = img.pixels.map((p, i) => {
          const x = i % img.width;
          const y = Math.floor(i / img.width);
          return x >= within.x && y >= within.y && x < within.x + within.width && y < within.y + within.height ? p : fill;
        });
        const expected = cropPad({ ...img, pixels: blanked }, { width: w, height: h, centreX: cx, centreY: cy, fill }).pixels;
        const out = reuse ? new Uint8Array(w * h).fill(fill ^ 0x55) : undefined;
        expect(cropPad(img, { width: w, height: h, centreX: cx, centreY: cy, fill, within, out }).pixels).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
