/**
 * The phantom's robustness-sweep overrides (depthMm, speckleGrainScale, mmPerPxScale, gainDb,
 * noiseGray; docs/phantom.md "Robustness sweep"): they change the pixels and the scale as
 * documented, never the labels or the truth, and refuse values out of range.
 */
import { describe, expect, it } from 'vitest';
import { createPhantomExam } from '../../src/phantom/index.js';
import type { PhantomOptions } from '../../src/phantom/index.js';

const base: PhantomOptions = { seed: 920003, durationS: 1.5, thrombusFraction: 0.5 };
const mean = (p: Uint8Array) => p.reduce((s, v) => s + v, 0) / p.length;
const region = (e: ReturnType<typeof createPhantomExam>, i: number) => {
  const f = e.frame(i);
  const r = f.usRegion;
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) out.set(f.pixels.subarray((r.y + y) * f.width + r.x, (r.y + y) * f.width + r.x + r.width), y * r.width);
  return out;
};

describe.each(['classic', 'scanner'] as const)('phantom sweep overrides (%s look)', (imaging) => {
  const ref = createPhantomExam({ ...base, imaging });
  const labels = (e: ReturnType<typeof createPhantomExam>) =>
    Array.from({ length: e.frameCount }, (_, i) => e.frameInfo(i).labels.landmark + (e.frameInfo(i).labels.open ? 'o' : 'c'));

  it('keep labels and truth, and change the pixels', () => {
    for (const o of [{ depthMm: 70 }, { speckleGrainScale: 2 }, { mmPerPxScale: 2 }, { gainDb: 10 }, { noiseGray: 8 }]) {
      const e = createPhantomExam({ ...base, imaging, ...o });
      expect(e.truth).toEqual(ref.truth);
      expect(labels(e)).toEqual(labels(ref));
      if (!('mmPerPxScale' in o)) expect(Buffer.compare(Buffer.from(e.frame(10).pixels), Buffer.from(ref.frame(10).pixels))).not.toBe(0);
    }
  });

  it('scale mm per pixel with depth and mmPerPxScale, and brighten with gain', () => {
    const deep = createPhantomExam({ ...base, imaging, depthMm: 2 * (ref.scanner?.depthMm ?? 40) });
    expect(deep.width).toBe(ref.width);
    if (ref.scanner?.geometry !== 'curved') expect(deep.pixelSpacingMm.y / ref.pixelSpacingMm.y).toBeGreaterThan(1.2);
    const coarse = createPhantomExam({ ...base, imaging, mmPerPxScale: 2 });
    expect(coarse.width).toBe(Math.round(ref.width / 2));
    expect(coarse.pixelSpacingMm.y / ref.pixelSpacingMm.y).toBeCloseTo(2, 1);
    const bright = createPhantomExam({ ...base, imaging, gainDb: 10 });
    expect(mean(region(bright, 5))).toBeGreaterThan(mean(region(ref, 5)) + 5);
  });

  it('refuse out-of-range values', () => {
    expect(() => createPhantomExam({ ...base, imaging, speckleGrainScale: 0 })).toThrow(/speckleGrainScale/);
    expect(() => createPhantomExam({ ...base, imaging, depthMm: 500 })).toThrow(/depthMm/);
    expect(() => createPhantomExam({ ...base, imaging, noiseGray: -1 })).toThrow(/noiseGray/);
  });
});
