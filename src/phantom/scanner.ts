/**
 * The scanner and operator settings of one simulated subject in the `scanner`
 * imaging mode (docs/phantom.md, "Scanner-like image formation"): every parameter
 * is drawn from a documented range, from its own seeded stream (so the classic
 * look, the anatomy and the timeline, and hence every label, do not depend on it).
 */
import type { Rng } from './prng.js';

/** How the B-mode image is formed: `classic` (the first phantom) or `scanner`. */
export type PhantomImaging = 'classic' | 'scanner';

export type ThrombusAge = 'acute' | 'subacute' | 'chronic';

export interface ScannerSettings {
  /** Transducer geometry: linear array (rectangle) or curved array (fan). */
  geometry: 'linear' | 'curved';
  /** Centre frequency in MHz: linear 6-13 (higher when shallow: 13 - 5 x (depth - 25)/35 ± 2), curved 2.5-5. */
  frequencyMHz: number;
  /** Imaging depth in mm: linear 25-60, curved 45-80. */
  depthMm: number;
  /** Transmit focus depth in mm: 0.3-0.75 of the depth. */
  focusMm: number;
  /** Lateral F-number at the focus (1.4-2.8): lateral PSF sigma = 0.6 x wavelength x F# (FWHM about 1.4 x wavelength x F#). */
  fNumber: number;
  /** Depth of field as a fraction of the depth (0.25-0.5): the PSF widens away from focus. */
  depthOfFieldFraction: number;
  /** Pulse length in cycles (2-4): axial PSF sigma = 0.25 x wavelength x cycles. */
  pulseCycles: number;
  /** Two-way attenuation of tissue in dB/cm/MHz (0.6-1.0). */
  attenuationDbPerCmMHz: number;
  /** Time-gain compensation as a fraction of the true attenuation (0.85-1.1) plus 8 slider errors (±3 dB). */
  tgcFraction: number;
  tgcSlidersDb: number[];
  /** Receiver noise floor in dB below tissue of echo amplitude 1 at the skin (55-75). */
  noiseFloorDb: number;
  /** Extra brightness at the focal zone in dB (0-3). */
  focalGainDb: number;
  /** Display gain (-6..+6 dB) and dynamic range of the log compression (40-72 dB). */
  gainDb: number;
  dynamicRangeDb: number;
  /** Post-processing gray map: gray' = 255 x (gray/255)^gamma (1.15-1.8; real scans show most tissue dark). */
  grayMapGamma: number;
  /** Tissue heterogeneity: SD of the log echo of 2-6 mm patches (0.15-0.45). */
  heterogeneity: number;
  /** Frame averaging (0-0.8): lowers per-frame electronic noise. */
  persistence: number;
  /** Speckle reduction filter strength (0 in 30% of subjects, else 0.15-0.5). */
  speckleReduction: number;
  /** Spatially compounded speckle realisations (1: 60%, 2: 25%, 3: 15%). */
  compounding: 1 | 2 | 3;
  /** Per-frame noise in gray levels before persistence (1.5-5). */
  frameNoiseGray: number;
  /** Curved arrays only: radius of curvature (40-60 mm) and field of view (50-75 degrees). */
  radiusMm: number;
  fanAngleDeg: number;
  /** Fraction of bright point scatterers in tissue (0.005-0.03; non-Rayleigh speckle). */
  brightScattererFraction: number;
  /** Echo of slow-flowing venous blood relative to muscle-level tissue (0.04-0.12). */
  slowFlowEcho: number;
  /** Inguinal lymph node beside the junction at LM1 (probability 0.35). */
  lm1Node: boolean;
  /** Wall echo amplitudes: veins 0.6-1.3, arteries 1.2-2.2 (the classic look: 2.2 and 3). */
  veinWallEcho: number;
  arteryWallEcho: number;
}

/** `depthMm`: the operator's depth instead of the drawn one (the phantom's `depthMm`; the same draws are made). */
export function createScannerSettings(rng: Rng, depthOverrideMm?: number): ScannerSettings {
  const geometry = rng.chance(0.15) ? 'curved' : 'linear';
  const drawnDepthMm = geometry === 'linear' ? rng.range(25, 60) : rng.range(45, 80);
  const depthMm = depthOverrideMm ?? drawnDepthMm;
  const u = rng.next();
  return {
    geometry,
    // Shallower settings go with higher frequencies, as operators choose them.
    frequencyMHz: geometry === 'linear' ? Math.min(13, Math.max(6, 13 - ((depthMm - 25) / 35) * 5 + rng.range(-2, 2))) : rng.range(2.5, 5),
    depthMm,
    focusMm: depthMm * rng.range(0.3, 0.75),
    fNumber: rng.range(1.4, 2.8),
    depthOfFieldFraction: rng.range(0.25, 0.5),
    pulseCycles: rng.range(2, 4),
    attenuationDbPerCmMHz: rng.range(0.6, 1.0),
    tgcFraction: rng.range(0.85, 1.1),
    tgcSlidersDb: Array.from({ length: 8 }, () => rng.range(-3, 3)),
    noiseFloorDb: rng.range(55, 75),
    focalGainDb: rng.range(0, 3),
    gainDb: rng.range(-6, 6),
    dynamicRangeDb: rng.range(40, 72),
    grayMapGamma: rng.range(1.15, 1.8),
    heterogeneity: rng.range(0.15, 0.45),
    persistence: rng.range(0, 0.8),
    speckleReduction: rng.chance(0.3) ? 0 : rng.range(0.15, 0.5),
    compounding: u < 0.6 ? 1 : u < 0.85 ? 2 : 3,
    frameNoiseGray: rng.range(1.5, 5),
    radiusMm: rng.range(40, 60),
    fanAngleDeg: rng.range(50, 75),
    brightScattererFraction: rng.range(0.005, 0.03),
    slowFlowEcho: rng.range(0.04, 0.12),
    lm1Node: rng.chance(0.35),
    veinWallEcho: rng.range(0.6, 1.3),
    arteryWallEcho: rng.range(1.2, 2.2),
  };
}

/** The age of a clot, drawn per landmark visit: acute 35%, subacute 35%, chronic 30%. */
export function drawThrombusAge(rng: Rng): ThrombusAge {
  const u = rng.next();
  return u < 0.35 ? 'acute' : u < 0.7 ? 'subacute' : 'chronic';
}

/** Wavelength in mm at `frequencyMHz` (speed of sound 1.54 mm/us). */
export function wavelengthMm(frequencyMHz: number): number {
  return 1.54 / frequencyMHz;
}
