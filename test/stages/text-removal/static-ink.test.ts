import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameBoxOf, prepareOcrMosaic } from '../../../src/redaction/ocr-image.js';
import { selectTextWords } from '../../../src/redaction/ocr-words.js';
import { findInk, growToInk, inkClusters, staticTextClusters, textPanelMotion } from '../../../src/redaction/static-ink.js';

const W = 80;
const H = 40;
/** An image from a background value and rectangles of other values. */
function image(bg: number, rects: { x: number; y: number; width: number; height: number; value: number }[]) {
  const pixels = new Uint8Array(W * H).fill(bg);
  for (const r of rects) for (let y = r.y; y < r.y + r.height; y++) pixels.fill(r.value, y * W + r.x, y * W + r.x + r.width);
  return { width: W, height: H, pixels };
}
const still = { map: new Uint8Array(Math.ceil(W / 2) * Math.ceil(H / 2)), step: 2, gridWidth: Math.ceil(W / 2) };

describe('static ink kernels', () => {
  it('finds light-on-dark and dark-on-light glyphs as components of their polarity', () => {
    const img = image(10, [
      { x: 5, y: 5, width: 2, height: 10, value: 220 },
      { x: 40, y: 0, width: 40, height: 40, value: 200 },
      { x: 60, y: 10, width: 3, height: 12, value: 20 },
    ]);
    const ink = findInk(img, { contrast: 48 });
    expect(ink.components).toContainEqual({ x: 5, y: 5, width: 2, height: 10, pixels: 20, polarity: 1 });
    expect(ink.components).toContainEqual({ x: 60, y: 10, width: 3, height: 12, pixels: 36, polarity: -1 });
  });

  it('never counts moving pixels as ink', () => {
    const img = image(10, [{ x: 5, y: 5, width: 2, height: 10, value: 220 }]);
    const moving = { ...still, map: new Uint8Array(still.map.length).fill(1) };
    expect(findInk(img, { contrast: 48, moving }).components).toEqual([]);
  });

  it('groups letters a few pixels apart into one cluster, and keeps words apart', () => {
    const img = image(10, [
      { x: 5, y: 5, width: 2, height: 8, value: 220 },
      { x: 9, y: 5, width: 2, height: 8, value: 220 },
      { x: 30, y: 5, width: 2, height: 8, value: 220 },
    ]);
    const clusters = inkClusters(findInk(img, { contrast: 48 }), 64, 3);
    expect(clusters.map((c) => [c.x, c.width])).toEqual(
      expect.arrayContaining([
        [5, 6],
        [30, 2],
      ]),
    );
    expect(clusters).toHaveLength(2);
  });

  it('a cluster on a flat static panel is text; one whose ring crosses other ink is left to OCR', () => {
    const img = image(10, [
      { x: 5, y: 5, width: 2, height: 10, value: 220 },
      { x: 30, y: 5, width: 2, height: 10, value: 220 },
      { x: 26, y: 2, width: 10, height: 1, value: 120 },
    ]);
    const clusters = inkClusters(findInk(img, { contrast: 48 }), 64, 0);
    const text = staticTextClusters(img, clusters, still, { minTextHeight: 5, maxTextHeight: 64, minRingFlat: 0.85 });
    expect(text.map((c) => c.x)).toEqual([5]);
  });

  describe('text lines', () => {
    /** A 20x20 logo ring at (2,2) and, 2 px beside it, two lines of 2x8 glyph bars (y 4..11 and 14..21), 2 px apart. */
    const header = () =>
      image(10, [
        { x: 2, y: 2, width: 20, height: 2, value: 220 },
        { x: 2, y: 20, width: 20, height: 2, value: 220 },
        { x: 2, y: 2, width: 2, height: 20, value: 220 },
        { x: 20, y: 2, width: 2, height: 20, value: 220 },
        ...[0, 1, 2, 3, 4].flatMap((i) => [
          { x: 24 + 4 * i, y: 4, width: 2, height: 8, value: 220 },
          { x: 24 + 4 * i, y: 14, width: 2, height: 8, value: 220 },
        ]),
        // The dot of an "i" above the first line: stays with its line.
        { x: 40, y: 1, width: 2, height: 2, value: 220 },
      ]);

    it('splits a logo and the two lines of text beside it into three clusters', () => {
      const clusters = inkClusters(findInk(header(), { contrast: 48 }), 64, 3);
      expect(clusters.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual(
        expect.arrayContaining([
          { x: 2, y: 2, width: 20, height: 20 },
          { x: 24, y: 1, width: 18, height: 11 },
          { x: 24, y: 14, width: 18, height: 8 },
        ]),
      );
      expect(clusters).toHaveLength(3);
      // Not split where the caller says no (a group on the moving image).
      expect(inkClusters(findInk(header(), { contrast: 48 }), 64, 3, () => false)).toHaveLength(1);
    });

    it('takes motion inside a block of text on a flat static panel for the text changing, nowhere else', () => {
      const img = header();
      const ink = findInk(img, { contrast: 48, moving: still });
      const rules = { minTextHeight: 5, maxTextHeight: 64, minRingFlat: 0.85 };
      // One cell of the second line ticks (a clock): let go.
      const ticking = { ...still, map: still.map.slice() };
      ticking.map[9 * still.gridWidth + 15] = 1;
      const groups = inkClusters(ink, 64, 3, () => false);
      expect(textPanelMotion(img, groups, ticking, rules, ink).map[9 * still.gridWidth + 15]).toBe(0);
      // The same block with moving pixels around it (its ring moves: the image): kept moving.
      const onImage = { ...ticking, map: ticking.map.slice() };
      for (let gx = 0; gx < still.gridWidth; gx++) onImage.map[12 * still.gridWidth + gx] = 1;
      expect(textPanelMotion(img, groups, onImage, rules, ink).map[9 * still.gridWidth + 15]).toBe(1);
      // Too much motion for a clock: kept moving.
      const busy = { ...still, map: still.map.slice() };
      for (let gx = 12; gx < 24; gx++) for (let gy = 2; gy < 11; gy++) busy.map[gy * still.gridWidth + gx] = 1;
      expect(textPanelMotion(img, groups, busy, rules, ink).map[5 * still.gridWidth + 15]).toBe(1);
    });
  });

  it('grows a word box to the glyphs it cuts, but not along a frame line', () => {
    const img = image(10, [
      { x: 10, y: 8, width: 12, height: 10, value: 220 },
      { x: 0, y: 30, width: 80, height: 2, value: 220 },
    ]);
    const ink = findInk(img, { contrast: 48 });
    expect(growToInk({ x: 12, y: 10, width: 8, height: 6 }, ink, 64)).toEqual({ x: 10, y: 8, width: 12, height: 10 });
    expect(growToInk({ x: 30, y: 28, width: 8, height: 6 }, ink, 64)).toEqual({ x: 30, y: 28, width: 8, height: 6 });
  });

  it('a box read in a mosaic tile maps back to where it is in the frame', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.integer({ min: 0, max: 60 }),
            y: fc.integer({ min: 0, max: 30 }),
            width: fc.integer({ min: 4, max: 20 }),
            height: fc.integer({ min: 4, max: 10 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.constantFrom(1, 2, 3),
        (areas, scale) => {
          const img = image(0, []);
          const mosaic = prepareOcrMosaic(img, areas, { scale, invert: true });
          areas.forEach((a, i) => {
            const t = mosaic.tiles[i]!;
            // The whole tile, as a word box in mosaic pixels, maps back to its area.
            expect(frameBoxOf({ x0: t.x, y0: t.y, x1: t.x + t.width, y1: t.y + t.height }, mosaic)).toEqual(a);
          });
          for (let i = 0; i < mosaic.tiles.length; i++)
            for (let j = i + 1; j < mosaic.tiles.length; j++) {
              const a = mosaic.tiles[i]!;
              const b = mosaic.tiles[j]!;
              expect(a.x >= b.x + b.width || b.x >= a.x + a.width || a.y >= b.y + b.height || b.y >= a.y + a.height).toBe(true);
            }
        },
      ),
    );
  });

  describe('which OCR words are kept', () => {
    const rules = { minConfidence: 60, minStaticConfidence: 0, minStaticFraction: 0.6, minFlatFraction: 0.4, maxTextHeight: 64, minTextHeight: 5 };
    const word = { x0: 10, y0: 10, x1: 40, y1: 20, confidence: 30, text: 'DOE' };
    const image = { area: { x: 0, y: 0, width: W, height: H }, scale: 1 };

    it('a low-confidence word on a flat background needs ink (speckle that looks flat has none)', () => {
      expect(selectTextWords([word], image, rules, { flatFraction: () => 0.5, hasInk: () => false })).toEqual([]);
      expect(selectTextWords([word], image, rules, { flatFraction: () => 0.5, hasInk: () => true })).toHaveLength(1);
    });

    it('a low-confidence word on static overlay ink is kept although dense text leaves its box unflat', () => {
      expect(selectTextWords([word], image, rules, { flatFraction: () => 0.2, hasInk: () => true, staticFraction: () => 1 })).toEqual([]);
      expect(
        selectTextWords([word], image, rules, { flatFraction: () => 0.2, hasInk: () => true, staticFraction: () => 1, onOverlayInk: () => true }),
      ).toHaveLength(1);
    });

    it('a confident word is kept anywhere', () => {
      expect(
        selectTextWords([{ ...word, confidence: 90 }], image, rules, { flatFraction: () => 0, hasInk: () => false, staticFraction: () => 0 }),
      ).toHaveLength(1);
    });
  });
});
