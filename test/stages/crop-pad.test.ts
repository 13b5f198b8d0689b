import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cropPadFrame } from '../../src/stages/crop-pad.js';
import type { Box, FrameEvent } from '../../src/core/events.js';
import { grayFrame } from '../helpers/frames.js';

const box = fc.record({
  x: fc.integer({ min: -10, max: 40 }),
  y: fc.integer({ min: -10, max: 40 }),
  width: fc.integer({ min: 0, max: 50 }),
  height: fc.integer({ min: 0, max: 50 }),
});
const frame = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }), seed: fc.integer(), region: fc.option(box, { nil: undefined }) })
  .map(
    ({ width, height, seed, region }): FrameEvent => ({ ...grayFrame(0, width, height, (x, y) => (x * 31 + y * 17 + seed) & 255), meta: { usRegion: region } }),
  );
const config = fc.record({
  centre: fc.constantFrom<'frame' | 'us-region'>('frame', 'us-region'),
  cropToRegion: fc.boolean(),
  fill: fc.integer({ min: 0, max: 255 }),
});
const size = fc.integer({ min: 1, max: 60 });

/** The stage's pixels as it made them before issue 9: blank outside the region into a full-size copy, then crop. */
function pixelsBefore(f: FrameEvent, outW: number, outH: number, c: { centre: 'frame' | 'us-region'; cropToRegion: boolean; fill: number }): Uint8Array {
  const r: Box | undefined = f.meta.usRegion;
  const useRegion = r && c.centre === 'us-region';
  const cx = useRegion ? r.x + Math.floor(r.width / 2) : Math.floor(f.width / 2);
  const cy = useRegion ? r.y + Math.floor(r.height / 2) : Math.floor(f.height / 2);
  const x0 = cx - Math.floor(outW / 2);
  const y0 = cy - Math.floor(outH / 2);
  const out = new Uint8Array(outW * outH);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++) {
      const sx = x0 + x;
      const sy = y0 + y;
      const inFrame = sx >= 0 && sy >= 0 && sx < f.width && sy < f.height;
      const inRegion = !r || !c.cropToRegion || (sx >= r.x && sy >= r.y && sx < r.x + r.width && sy < r.y + r.height);
      out[y * outW + x] = inFrame && inRegion ? f.pixels[sy * f.width + sx]! : c.fill;
    }
  return out;
}

describe('crop-pad', () => {
  it('gives the same pixels as blanking outside the region and then cropping, for any frame, region, size and fill', () => {
    fc.assert(
      fc.property(frame, size, size, config, (f, w, h, c) => {
        const out = cropPadFrame(f, w, h, c);
        expect([out.width, out.height]).toEqual([w, h]);
        expect(Array.from(out.pixels)).toEqual(Array.from(pixelsBefore(f, w, h, c)));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves the input frame untouched', () => {
    fc.assert(
      fc.property(frame, size, size, config, (f, w, h, c) => {
        const before = f.pixels.slice();
        cropPadFrame(f, w, h, c);
        expect(f.pixels).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });
});
