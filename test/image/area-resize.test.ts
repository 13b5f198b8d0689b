import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeGray } from '../../src/image/area-resize.js';

const dims = fc.integer({ min: 1, max: 70 });

describe('resizeGray', () => {
  it('a constant image stays constant at any size', () => {
    fc.assert(
      fc.property(dims, dims, dims, dims, fc.integer({ min: 0, max: 255 }), (w, h, ow, oh, v) => {
        const out = resizeGray({ width: w, height: h, pixels: new Uint8Array(w * h).fill(v) }, ow, oh);
        expect(out.pixels.length).toBe(ow * oh);
        expect(out.pixels.every((p) => p === v)).toBe(true);
      }),
    );
  });

  it('integer downscaling is the rounded mean of each block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (ow, oh, f, seed) => {
        const w = ow * f;
        const h = oh * f;
        const pixels = new Uint8Array(w * h).map((_, i) => (i * 97 + seed) & 255);
        const out = resizeGray({ width: w, height: h, pixels }, ow, oh);
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            let sum = 0;
            for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += pixels[(oy * f + dy) * w + ox * f + dx]!;
            expect(out.pixels[oy * ow + ox]).toBe(Math.floor((sum + ((f * f) >> 1)) / (f * f)));
          }
      }),
      { numRuns: 50 },
    );
  });

  it('output stays within the input range', () => {
    fc.assert(
      fc.property(dims, dims, dims, dims, fc.integer(), (w, h, ow, oh, seed) => {
        const pixels = new Uint8Array(w * h).map((_, i) => 50 + ((((i * 13 + seed) % 100) + 100) % 100));
        const out = resizeGray({ width: w, height: h, pixels }, ow, oh);
        const min = Math.min(...pixels);
        const max = Math.max(...pixels);
        for (const p of out.pixels) {
          expect(p).toBeGreaterThanOrEqual(min);
          expect(p).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('keeps the mean of a fractional downscale close to the input mean (no aliasing bias)', () => {
    const w = 600;
    const h = 450;
    const pixels = new Uint8Array(w * h).map((_, i) => ((i % w) * 3 + Math.floor(i / w)) & 255);
    const out = resizeGray({ width: w, height: h, pixels }, 224, 224);
    const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(out.pixels) - mean(pixels))).toBeLessThan(1.5);
  });

  it('4x4 blocks (read a word at a time) are the rounded mean of each block, at any byte offset and size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 7 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (ow, oh, offset, noise) => {
          const w = ow * 4;
          const h = oh * 4;
          const buffer = new Uint8Array(offset + w * h);
          const pixels = buffer.subarray(offset);
          for (let i = 0; i < pixels.length; i++) pixels[i] = i % 7 === 0 ? 255 : noise[i % 64]!;
          const out = resizeGray({ width: w, height: h, pixels }, ow, oh);
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++) {
              let sum = 0;
              for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += pixels[(oy * 4 + dy) * w + ox * 4 + dx]!;
              expect(out.pixels[oy * ow + ox]).toBe(Math.floor((sum + 8) / 16));
            }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('an all-255 image stays 255 through 4x4 blocks (the largest sums)', () => {
    const out = resizeGray({ width: 600, height: 600, pixels: new Uint8Array(600 * 600).fill(255) }, 150, 150);
    expect(out.pixels.every((p) => p === 255)).toBe(true);
  });
});
