/**
 * The reference B-mode of one scene in the `scanner` imaging mode: the standard
 * simple B-mode simulation, made cheap enough for real time.
 *
 * A random field of complex scatterers (amplitude = the tissue's echogenicity, a
 * few bright point scatterers among them) is convolved with a depth-dependent
 * point-spread function: axial sigma from the pulse length (0.25 x wavelength x
 * cycles, widening slowly with depth as attenuation lowers the frequency), lateral
 * sigma narrowest at the transmit focus (0.6 x wavelength x F#) and widening away
 * from it over the depth of field. Each PSF pass is a Gaussian (or, when wide, three
 * box filters, a close approximation that costs the same at any width). The
 * envelope power is attenuated two-way with depth (dB/cm/MHz), gets the focal-zone
 * gain and a receiver noise floor, and with spatial compounding the powers of 2-3
 * independent scatterer realisations are averaged. Stored as dB, optionally
 * smoothed by a speckle-reduction filter. Time-gain compensation is applied per
 * frame by the renderer (the depth gain curve).
 */
import type { Scene, Subject } from './anatomy.js';
import { createRng } from './prng.js';
import { wavelengthMm, type ScannerSettings, type ThrombusAge } from './scanner.js';
import { buildScannerEchoMap } from './scanner-tissue.js';
import { gaussianKernel, type SpeckleField } from './speckle-field.js';

/** Three box widths whose cascade approximates a Gaussian of `sigma` (Kovesi's method). */
export function boxesForGauss(sigma: number): [number, number, number] {
  const n = 3;
  const wIdeal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(wIdeal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const mIdeal = (12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4);
  const m = Math.round(mIdeal);
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) sizes.push(i < m ? wl : wu);
  return sizes as [number, number, number];
}

/** Running-mean of odd width `size` along one row segment of `src` into `dst` (edges clamped). */
function boxRow(src: Float32Array, dst: Float32Array, off: number, w: number, size: number): void {
  const r = (size - 1) >> 1;
  if (r <= 0) {
    for (let x = 0; x < w; x++) dst[off + x] = src[off + x]!;
    return;
  }
  const inv = 1 / size;
  let acc = 0;
  for (let k = -r; k <= r; k++) acc += src[off + (k < 0 ? 0 : k >= w ? w - 1 : k)]!;
  for (let x = 0; x < w; x++) {
    dst[off + x] = acc * inv;
    const xin = x + r + 1;
    const xout = x - r;
    acc += src[off + (xin >= w ? w - 1 : xin)]! - src[off + Math.max(xout, 0)]!;
  }
}

/**
 * Lateral blur whose sigma depends on the row: `sigmaOfRow[y]` in pixels. Narrow
 * rows use an exact Gaussian, wide ones three box passes.
 */
export function blurLateralVarying(buf: Float32Array, tmp: Float32Array, w: number, h: number, sigmaOfRow: Float32Array): void {
  const kernels = new Map<number, Float32Array>();
  for (let y = 0; y < h; y++) {
    const sigma = sigmaOfRow[y]!;
    const off = y * w;
    if (sigma >= 3) {
      const [a, b, c] = boxesForGauss(sigma);
      boxRow(buf, tmp, off, w, a);
      boxRow(tmp, buf, off, w, b);
      boxRow(buf, tmp, off, w, c);
      for (let x = 0; x < w; x++) buf[off + x] = tmp[off + x]!;
      continue;
    }
    const q = Math.round(sigma * 10);
    let k = kernels.get(q);
    if (!k) {
      k = gaussianKernel(Math.max(0.3, q / 10));
      kernels.set(q, k);
    }
    const r = (k.length - 1) >> 1;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) {
        const xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
        s += buf[off + xx]! * k[j + r]!;
      }
      tmp[off + x] = s;
    }
    for (let x = 0; x < w; x++) buf[off + x] = tmp[off + x]!;
  }
}

/** Axial blur whose sigma depends on the output row (a gather over rows, edges clamped). */
export function blurAxialVarying(buf: Float32Array, tmp: Float32Array, w: number, h: number, sigmaOfRow: Float32Array): void {
  const kernels = new Map<number, Float32Array>();
  tmp.fill(0);
  for (let y = 0; y < h; y++) {
    const q = Math.round(sigmaOfRow[y]! * 10);
    let k = kernels.get(q);
    if (!k) {
      k = gaussianKernel(Math.max(0.3, q / 10));
      kernels.set(q, k);
    }
    const r = (k.length - 1) >> 1;
    const off = y * w;
    for (let j = -r; j <= r; j++) {
      const yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
      const wk = k[j + r]!;
      const o2 = yy * w;
      for (let x = 0; x < w; x++) tmp[off + x]! += buf[o2 + x]! * wk;
    }
  }
  buf.set(tmp);
}

/** PSF sigmas in pixels per field row (row y sits at depth y x mmPerPx), times `grainScale` (the phantom's `speckleGrainScale`). */
export function psfSigmas(settings: ScannerSettings, mmPerPx: number, h: number, grainScale = 1): { lateral: Float32Array; axial: Float32Array } {
  const lambda = wavelengthMm(settings.frequencyMHz);
  const lat0 = 0.6 * lambda * settings.fNumber;
  const ax0 = 0.25 * lambda * settings.pulseCycles;
  const zR = settings.depthOfFieldFraction * settings.depthMm;
  const lateral = new Float32Array(h);
  const axial = new Float32Array(h);
  for (let y = 0; y < h; y++) {
    const z = y * mmPerPx;
    const dz = (z - settings.focusMm) / zR;
    lateral[y] = (grainScale * lat0 * Math.sqrt(1 + dz * dz)) / mmPerPx;
    axial[y] = (grainScale * ax0 * (1 + (0.3 * z) / settings.depthMm)) / mmPerPx;
  }
  return { lateral, axial };
}

export function buildScannerField(
  scene: Scene,
  subject: Subject,
  settings: ScannerSettings,
  thrombusAge: ThrombusAge | undefined,
  w: number,
  h: number,
  grainScale = 1,
): SpeckleField {
  const echo = buildScannerEchoMap(scene, subject, settings, thrombusAge, w, h);
  const rng = createRng(scene.seed ^ 0x68e31da4);
  const px = subject.mmPerPx;
  const { lateral, axial } = psfSigmas(settings, px, h, grainScale);
  const re = new Float32Array(w * h);
  const im = new Float32Array(w * h);
  const tmp = new Float32Array(w * h);
  const power = new Float32Array(w * h);
  // Normalise so that echo amplitude 1 has mean power 1 at every depth: a uniform
  // scatterer of variance 1/3 per component, blurred by a unit-sum kernel of
  // effective width n, keeps 2/3 * sum(k^2) of its power.
  const norm = new Float32Array(h);
  for (let y = 0; y < h; y++) {
    const sl = Math.max(0.3, lateral[y]!);
    const sa = Math.max(0.3, axial[y]!);
    norm[y] = 1 / ((2 / 3) * (1 / (2 * Math.sqrt(Math.PI) * sl)) * (1 / (2 * Math.sqrt(Math.PI) * sa)));
  }
  const bright = settings.brightScattererFraction;
  for (let c = 0; c < settings.compounding; c++) {
    for (let i = 0; i < re.length; i++) {
      const e = echo[i]! * (rng.next() < bright ? rng.range(2, 4) : 1);
      re[i] = (rng.next() * 2 - 1) * e;
      im[i] = (rng.next() * 2 - 1) * e;
    }
    blurLateralVarying(re, tmp, w, h, lateral);
    blurAxialVarying(re, tmp, w, h, axial);
    blurLateralVarying(im, tmp, w, h, lateral);
    blurAxialVarying(im, tmp, w, h, axial);
    for (let i = 0; i < re.length; i++) power[i]! += (re[i]! * re[i]! + im[i]! * im[i]!) / settings.compounding;
  }
  // Attenuation (two-way), focal gain, receiver noise (before TGC, so it rises
  // with depth once the TGC lifts the attenuated echoes).
  const noise = 10 ** (-settings.noiseFloorDb / 10);
  const db = re;
  for (let y = 0; y < h; y++) {
    const z = y * px;
    const dzf = (z - settings.focusMm) / (0.25 * settings.depthMm);
    const gainDb = -settings.attenuationDbPerCmMHz * settings.frequencyMHz * (z / 10) + settings.focalGainDb * Math.exp(-dzf * dzf);
    const g = 10 ** (gainDb / 10) * norm[y]!;
    const off = y * w;
    for (let x = 0; x < w; x++) {
      const n = -Math.log(1 - rng.next() * 0.999999) * noise;
      db[off + x] = 10 * Math.log10(power[off + x]! * g + n + 1e-12);
    }
  }
  if (settings.speckleReduction > 0) {
    // Speckle reduction: blend the log image with its local mean over about one grain.
    const s = settings.speckleReduction;
    const smooth = tmp;
    smooth.set(db);
    const sig = new Float32Array(h);
    for (let y = 0; y < h; y++) sig[y] = Math.max(1, lateral[y]! * 1.2);
    blurLateralVarying(smooth, power, w, h, sig);
    for (let y = 0; y < h; y++) sig[y] = Math.max(1, axial[y]! * 2);
    blurAxialVarying(smooth, power, w, h, sig);
    for (let i = 0; i < db.length; i++) db[i] = db[i]! * (1 - s) + smooth[i]! * s;
  }
  return { width: w, height: h, db };
}
