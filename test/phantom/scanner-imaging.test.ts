import { describe, expect, it } from 'vitest';
import { createScene, createSubject } from '../../src/phantom/anatomy.js';
import { createPhantomExam } from '../../src/phantom/index.js';
import { createRng } from '../../src/phantom/prng.js';
import { boxesForGauss, psfSigmas } from '../../src/phantom/scanner-field.js';
import { buildScannerEchoMap } from '../../src/phantom/scanner-tissue.js';
import { createScannerSettings, type ThrombusAge } from '../../src/phantom/scanner.js';

const small = { vendorFrame: false, width: 160, height: 160 } as const;

function firstSeed(pred: (geometry: 'linear' | 'curved') => boolean): number {
  for (let seed = 1; seed < 500; seed++) if (pred(createScannerSettings(createRng(seed).fork('scanner')).geometry)) return seed;
  throw new Error('no seed found');
}

describe('phantom scanner imaging', () => {
  it('renders byte-identical frames for the same seed, in any order', () => {
    const exam = createPhantomExam({ seed: 5, durationS: 0.3, imaging: 'scanner', ...small });
    const iterated = [...exam.frames()].map((f) => Buffer.from(f.pixels));
    const fresh = createPhantomExam({ seed: 5, durationS: 0.3, imaging: 'scanner', ...small });
    for (let i = iterated.length - 1; i >= 0; i -= 3) expect(Buffer.from(fresh.frame(i).pixels).equals(iterated[i]!)).toBe(true);
  });

  it('keeps every label and the exam truth of the classic phantom with the same seed', () => {
    for (const seed of [3, 11]) {
      const classic = createPhantomExam({ seed, durationS: 6, thrombusFraction: 0.5, ...small });
      const scanner = createPhantomExam({ seed, durationS: 6, thrombusFraction: 0.5, imaging: 'scanner', ...small });
      expect(scanner.frameCount).toBe(classic.frameCount);
      expect(scanner.truth.verdict).toBe(classic.truth.verdict);
      expect(scanner.truth.visits.map(({ thrombusAge: _, ...v }) => v)).toEqual(classic.truth.visits);
      for (let i = 0; i < classic.frameCount; i += 7) {
        const a = classic.frameInfo(i);
        const b = scanner.frameInfo(i);
        expect(b.labels).toEqual(a.labels);
        expect(b.truth.visitIndex).toBe(a.truth.visitIndex);
        expect(b.truth.veinAreaPx / Math.max(1e-9, b.truth.veinRestAreaPx)).toBeCloseTo(a.truth.veinAreaPx / Math.max(1e-9, a.truth.veinRestAreaPx), 6);
      }
    }
  });

  it('looks different from the classic phantom of the same seed', () => {
    const a = createPhantomExam({ seed: 4, durationS: 0.2, ...small }).frame(0).pixels;
    const b = createPhantomExam({ seed: 4, durationS: 0.2, imaging: 'scanner', ...small }).frame(0).pixels;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('gives every clotted visit an age in the scanner look and none in the classic look', () => {
    const scanner = createPhantomExam({ seed: 21, durationS: 6, thrombusFraction: 1, imaging: 'scanner', ...small });
    const classic = createPhantomExam({ seed: 21, durationS: 6, thrombusFraction: 1, ...small });
    expect(scanner.truth.visits.length).toBeGreaterThan(0);
    for (const v of scanner.truth.visits) expect(['acute', 'subacute', 'chronic']).toContain(v.thrombusAge);
    for (const v of classic.truth.visits) expect(v.thrombusAge).toBeUndefined();
  });

  it('draws a curved array as a fan: the top corners of the region stay black, the centre does not', () => {
    const seed = firstSeed((g) => g === 'curved');
    const exam = createPhantomExam({ seed, durationS: 0.2, imaging: 'scanner', vendorFrame: false, width: 300, height: 300 });
    expect(exam.scanner?.geometry).toBe('curved');
    const f = exam.frame(0);
    const u = f.usRegion;
    const at = (x: number, y: number): number => f.pixels[(u.y + y) * f.width + u.x + x]!;
    expect(at(1, 1)).toBe(0);
    expect(at(u.width - 2, 1)).toBe(0);
    let sum = 0;
    for (let y = Math.floor(u.height * 0.4); y < u.height * 0.6; y++) for (let x = Math.floor(u.width * 0.4); x < u.width * 0.6; x++) sum += at(x, y);
    expect(sum).toBeGreaterThan(0);
  });

  it('fills the whole region for a linear array', () => {
    const seed = firstSeed((g) => g === 'linear');
    const f = createPhantomExam({ seed, durationS: 0.2, imaging: 'scanner', ...small }).frame(0);
    let zeroRows = 0;
    for (let y = 0; y < f.height; y++) {
      let s = 0;
      for (let x = 0; x < f.width; x++) s += f.pixels[y * f.width + x]!;
      if (s === 0) zeroRows++;
    }
    expect(zeroRows).toBe(0);
  });

  it('makes the lateral point-spread function narrowest at the transmit focus', () => {
    const settings = createScannerSettings(createRng(9).fork('scanner'));
    const mmPerPx = 0.1;
    const h = Math.round(settings.depthMm / mmPerPx);
    const { lateral, axial } = psfSigmas(settings, mmPerPx, h);
    let best = 0;
    for (let y = 1; y < h; y++) if (lateral[y]! < lateral[best]!) best = y;
    expect(Math.abs(best * mmPerPx - settings.focusMm)).toBeLessThan(2 * mmPerPx);
    expect(lateral[0]!).toBeGreaterThan(lateral[best]!);
    expect(axial[h - 1]!).toBeGreaterThan(axial[0]!);
  });

  it('approximates a Gaussian with three boxes of the same variance', () => {
    for (const sigma of [3, 5.5, 12]) {
      const variance = boxesForGauss(sigma).reduce((s, w) => s + (w * w - 1) / 12, 0);
      expect(Math.sqrt(variance)).toBeGreaterThan(sigma * 0.85);
      expect(Math.sqrt(variance)).toBeLessThan(sigma * 1.15);
    }
  });

  it('paints an acute clot darker than a subacute one, and a subacute one darker than a chronic one', () => {
    const rng = createRng(77);
    const mmPerPx = 0.08;
    const subject = createSubject(rng.fork('subject'), mmPerPx, 40);
    const w = 500;
    const h = 520;
    const scene = createScene('LM1', subject, rng.fork('scene'), w / 2, w, true);
    const settings = createScannerSettings(rng.fork('scanner'));
    const main = scene.vessels.find((v) => v.main)!;
    const meanInside = (age: ThrombusAge): number => {
      const echo = buildScannerEchoMap(scene, subject, settings, age, w, h);
      let s = 0;
      let n = 0;
      for (let y = Math.ceil(main.cy - main.b * 0.5); y < main.cy + main.b * 0.5; y++) {
        for (let x = Math.ceil(main.cx - main.a * 0.5); x < main.cx + main.a * 0.5; x++) {
          s += echo[y * w + x]!;
          n++;
        }
      }
      return s / n;
    };
    const acute = meanInside('acute');
    const subacute = meanInside('subacute');
    const chronic = meanInside('chronic');
    expect(acute).toBeLessThan(subacute);
    expect(subacute).toBeLessThan(chronic);
  });

  it('refuses an unknown imaging mode with a message that names it', () => {
    expect(() => createPhantomExam({ seed: 1, imaging: 'cartoon' as never })).toThrow(/imaging must be 'classic' or 'scanner', got "cartoon"/);
  });
});
