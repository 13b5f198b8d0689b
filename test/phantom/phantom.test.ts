import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTERY_MIN_AREA_FRACTION, createPhantomExam, DEFAULT_CLOSED_AREA_FRACTION, THROMBUS_MIN_AXIS_FRACTION } from '../../src/phantom/index.js';

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const small = { vendorFrame: false, width: 160, height: 160 } as const;

function framesInfo(exam: ReturnType<typeof createPhantomExam>) {
  return Array.from({ length: exam.frameCount }, (_, i) => exam.frameInfo(i));
}

describe('phantom exam', () => {
  it('renders byte-identical frames for the same seed and options', () => {
    fc.assert(
      fc.property(seedArb, fc.nat(44), (seed, index) => {
        const a = createPhantomExam({ seed, durationS: 1.5, ...small }).frame(index);
        const b = createPhantomExam({ seed, durationS: 1.5, ...small }).frame(index);
        expect(Buffer.compare(Buffer.from(a.pixels), Buffer.from(b.pixels))).toBe(0);
        expect(a.labels).toEqual(b.labels);
      }),
      { numRuns: 6 },
    );
  });

  it('renders the same bytes whether frames are iterated in order or asked for one by one', () => {
    const exam = createPhantomExam({ seed: 7, durationS: 0.5, ...small });
    const iterated = [...exam.frames()].map((f) => Buffer.from(f.pixels));
    const fresh = createPhantomExam({ seed: 7, durationS: 0.5, ...small });
    for (let i = iterated.length - 1; i >= 0; i--) expect(Buffer.from(fresh.frame(i).pixels).equals(iterated[i]!)).toBe(true);
  });

  it('gives different subjects different images', () => {
    const a = createPhantomExam({ seed: 1, durationS: 0.2, ...small }).frame(0).pixels;
    const b = createPhantomExam({ seed: 2, durationS: 0.2, ...small }).frame(0).pixels;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('labels a frame closed exactly when the vein lumen area is below closedAreaFraction of its resting area', () => {
    fc.assert(
      fc.property(seedArb, fc.double({ min: 0.02, max: 0.4, noNaN: true }), (seed, fraction) => {
        const exam = createPhantomExam({ seed, closedAreaFraction: fraction, durationS: 12 });
        for (const f of framesInfo(exam)) {
          const closed = f.truth.veinAreaPx < fraction * f.truth.veinRestAreaPx;
          expect(f.labels.open).toBe(!closed);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('closes healthy veins at landmarks with the default threshold of 10%', () => {
    expect(DEFAULT_CLOSED_AREA_FRACTION).toBe(0.1);
    const exam = createPhantomExam({ seed: 3, thrombusFraction: 0 });
    const closedAt = new Set(
      framesInfo(exam)
        .filter((f) => !f.labels.open)
        .map((f) => f.labels.landmark),
    );
    expect(closedAt.has('LM1') || closedAt.has('LM2')).toBe(true);
  });

  it('never lets a thrombosed vein reach closed, keeping at least 30% of its minor axis', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const exam = createPhantomExam({ seed, thrombusFraction: 1, durationS: 12 });
        for (const f of framesInfo(exam)) {
          if (!f.labels.thrombus) continue;
          expect(f.labels.open).toBe(true);
          expect(f.truth.veinAreaPx).toBeGreaterThanOrEqual(THROMBUS_MIN_AXIS_FRACTION * f.truth.veinRestAreaPx * 0.97 - 1e-9);
        }
        expect(exam.truth.verdict).toBe('refer for specialist ultrasound');
      }),
      { numRuns: 20 },
    );
  });

  it('keeps the artery lumen area at or above ARTERY_MIN_AREA_FRACTION of rest while it pulses', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const exam = createPhantomExam({ seed, durationS: 12 });
        let pulsed = false;
        for (const f of framesInfo(exam)) {
          if (f.truth.arteryRestAreaPx === 0) continue;
          expect(f.truth.arteryAreaPx).toBeGreaterThanOrEqual(ARTERY_MIN_AREA_FRACTION * f.truth.arteryRestAreaPx);
          if (f.truth.arteryAreaPx > 1.02 * f.truth.arteryRestAreaPx) pulsed = true;
        }
        expect(pulsed).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('puts every burned-in text box inside the frame and outside the B-mode region', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const exam = createPhantomExam({ seed, durationS: 0.2 });
        const { textBoxes } = exam.frameInfo(0).labels;
        expect(textBoxes.length).toBeGreaterThan(5);
        const us = exam.usRegion;
        for (const b of textBoxes) {
          expect(b.x).toBeGreaterThanOrEqual(0);
          expect(b.y).toBeGreaterThanOrEqual(0);
          expect(b.width).toBeGreaterThan(0);
          expect(b.x + b.width).toBeLessThanOrEqual(exam.width);
          expect(b.y + b.height).toBeLessThanOrEqual(exam.height);
          const overlaps = b.x < us.x + us.width && us.x < b.x + b.width && b.y < us.y + us.height && us.y < b.y + b.height;
          expect(overlaps).toBe(false);
        }
        expect(us.x + us.width).toBeLessThanOrEqual(exam.width);
        expect(us.y + us.height).toBeLessThanOrEqual(exam.height);
      }),
      { numRuns: 40 },
    );
  });

  it('draws text pixels inside the text boxes', () => {
    const exam = createPhantomExam({ seed: 9, durationS: 0.2 });
    const f = exam.frame(0);
    for (const b of f.labels.textBoxes) {
      let bright = 0;
      for (let y = b.y; y < b.y + b.height; y++) for (let x = b.x; x < b.x + b.width; x++) if (f.pixels[y * f.width + x]! > 150) bright++;
      expect(bright).toBeGreaterThan(0);
    }
  });

  it('slides BG -> LM1 -> BG -> LM2 -> BG with each landmark on 20-40% of frames', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const exam = createPhantomExam({ seed });
        const infos = framesInfo(exam);
        const runs: string[] = [];
        for (const f of infos) if (runs[runs.length - 1] !== f.labels.landmark) runs.push(f.labels.landmark);
        expect(runs[0]).toBe('BG');
        expect(runs[1]).toBe('LM1');
        expect(runs[runs.length - 1]).toBe('BG');
        const share = (lm: string) => infos.filter((f) => f.labels.landmark === lm).length / infos.length;
        expect(share('LM1')).toBeGreaterThan(0.2);
        expect(share('LM1')).toBeLessThan(0.4);
        if (runs.includes('LM2')) {
          expect(share('LM2')).toBeGreaterThan(0.2);
          expect(share('LM2')).toBeLessThan(0.4);
        }
        expect(exam.frameCount).toBeGreaterThanOrEqual(14 * 30);
        expect(exam.frameCount).toBeLessThanOrEqual(20 * 30);
      }),
      { numRuns: 20 },
    );
  });

  it('lists visits that match the per-frame landmark labels and an exam verdict consistent with them', () => {
    fc.assert(
      fc.property(seedArb, fc.double({ min: 0, max: 1, noNaN: true }), (seed, thrombusFraction) => {
        const exam = createPhantomExam({ seed, thrombusFraction, durationS: 12 });
        const infos = framesInfo(exam);
        exam.truth.visits.forEach((v, i) => {
          for (let f = v.startFrame; f <= v.endFrame; f++) {
            expect(infos[f]!.labels.landmark).toBe(v.landmark);
            expect(infos[f]!.truth.visitIndex).toBe(i);
            expect(infos[f]!.labels.thrombus).toBe(v.thrombus);
          }
        });
        const anyThrombus = exam.truth.visits.some((v) => v.thrombus);
        if (anyThrombus) expect(exam.truth.verdict).toBe('refer for specialist ultrasound');
        else if (exam.truth.verdict === '2-point exam negative at the examined landmarks') {
          for (const lm of ['LM1', 'LM2'] as const) expect(infos.some((f) => f.labels.landmark === lm && !f.labels.open)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('moves speckle with the tissue: consecutive frames correlate strongly, other subjects do not', () => {
    const exam = createPhantomExam({ seed: 5, durationS: 1, vendorFrame: false, width: 200, height: 200 });
    const corr = (a: Uint8Array, b: Uint8Array) => {
      let ma = 0,
        mb = 0;
      for (let i = 0; i < a.length; i++) {
        ma += a[i]!;
        mb += b[i]!;
      }
      ma /= a.length;
      mb /= b.length;
      let sab = 0,
        saa = 0,
        sbb = 0;
      for (let i = 0; i < a.length; i++) {
        const da = a[i]! - ma,
          db = b[i]! - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    const f2 = exam.frame(2).pixels;
    const f3 = exam.frame(3).pixels;
    const other = createPhantomExam({ seed: 6, durationS: 1, vendorFrame: false, width: 200, height: 200 }).frame(3).pixels;
    expect(corr(f2, f3)).toBeGreaterThan(0.6);
    expect(Math.abs(corr(f3, other))).toBeLessThan(0.5);
  });

  it('reports pixel spacing from the imaging depth and the B-mode height', () => {
    const exam = createPhantomExam({ seed: 4, durationS: 0.2 });
    const depth = exam.pixelSpacingMm.y * exam.usRegion.height;
    expect(depth).toBeGreaterThanOrEqual(35);
    expect(depth).toBeLessThanOrEqual(50);
  });
});
