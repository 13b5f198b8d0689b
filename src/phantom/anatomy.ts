/**
 * Anatomy of one simulated subject, per scene (a probe position along the leg),
 * in B-mode pixels of the reference (undeformed) tissue. Transverse views of the
 * groin:
 *  - LM1, saphenofemoral junction: common femoral vein (CFV) with the great
 *    saphenous vein (GSV) joining it superficially, common femoral artery beside it.
 *  - LM2: femoral vein at its bifurcation with the deep femoral vein (DFV, deeper,
 *    merging with it), superficial and deep femoral arteries beside them.
 *  - BG: other anatomy, hard negatives included: a vein/artery pair away from any
 *    landmark, a lymph node, muscle only (with or without a bone line and shadow).
 */
import type { Landmark } from '../core/events.js';
import type { Rng } from './prng.js';

export type SceneKind = 'LM1' | 'LM2' | 'bg-vessels' | 'bg-node' | 'bg-muscle';

export interface Vessel {
  kind: 'vein' | 'artery';
  /** The vein whose lumen area defines open/closed (one per scene at most). */
  main: boolean;
  /** Centre and semi-axes (lateral a, axial b) in reference pixels. */
  cx: number;
  cy: number;
  a: number;
  b: number;
  /** Wall thickness in pixels and echo amplitude. */
  wall: number;
  wallEcho: number;
}

export interface Subject {
  /** Millimetres per B-mode pixel (square pixels). */
  mmPerPx: number;
  /** Imaging depth in mm. */
  depthMm: number;
  fatMm: number;
  /** Centre depth of the main vein in mm. */
  veinDepthMm: number;
  veinAMm: number;
  veinAspect: number;
  arteryRMm: number;
  /** +1: artery to the right of the vein on screen, -1: to the left. */
  side: 1 | -1;
  fatEcho: number;
  muscleEcho: number;
  /** Display: overall gain offset and dynamic range in dB. */
  gainDb: number;
  dynamicRangeDb: number;
  /** Residual attenuation after TGC, dB per cm (positive darkens with depth). */
  residualDbPerCm: number;
  /** Speckle PSF sigmas in mm (lateral, axial). */
  psfLateralMm: number;
  psfAxialMm: number;
  heartRateHz: number;
}

export interface Lesion {
  kind: 'node';
  cx: number;
  cy: number;
  a: number;
  b: number;
  angle: number;
}

export interface Scene {
  kind: SceneKind;
  landmark: Landmark;
  thrombus: boolean;
  vessels: Vessel[];
  node?: Lesion;
  /** Depth of a bone line (pixels) with acoustic shadow below, if any. */
  boneY?: number;
  /** Per-scene variation of layer depths and textures. */
  fatPx: number;
  seed: number;
}

export function createSubject(rng: Rng, mmPerPx: number, depthMm: number): Subject {
  const fatMm = rng.range(5, Math.min(16, depthMm * 0.3));
  const veinAMm = rng.range(5, 7.5);
  const veinAspect = rng.range(0.62, 0.85);
  const minDepth = fatMm + veinAMm * veinAspect + 3;
  const maxDepth = Math.max(minDepth, depthMm * 0.62);
  return {
    mmPerPx,
    depthMm,
    fatMm,
    veinDepthMm: rng.range(minDepth, maxDepth),
    veinAMm,
    veinAspect,
    arteryRMm: rng.range(3.3, 4.6),
    side: rng.chance(0.5) ? 1 : -1,
    fatEcho: rng.range(0.14, 0.26),
    muscleEcho: rng.range(0.32, 0.5),
    gainDb: rng.range(-3, 3),
    dynamicRangeDb: rng.range(48, 60),
    residualDbPerCm: rng.range(0.5, 3.5),
    psfLateralMm: rng.range(0.32, 0.5),
    psfAxialMm: rng.range(0.15, 0.25),
    heartRateHz: rng.range(0.95, 1.45),
  };
}

function vein(cx: number, cy: number, a: number, b: number, px: number, main: boolean): Vessel {
  return { kind: 'vein', main, cx, cy, a, b, wall: Math.max(1, 0.45 / px), wallEcho: 2.2 };
}
function artery(cx: number, cy: number, r: number, px: number): Vessel {
  return { kind: 'artery', main: false, cx, cy, a: r, b: r, wall: Math.max(1.5, 0.8 / px), wallEcho: 3 };
}

/**
 * Lay out a scene. `centerX` is the reference-pixel x of the image centre; the
 * vessel bundle sits within the middle of the field of view.
 */
export function createScene(kind: SceneKind, subject: Subject, rng: Rng, centerX: number, imageWidthPx: number, thrombus: boolean): Scene {
  const px = subject.mmPerPx;
  const mm = (v: number): number => v / px;
  const fatPx = mm(subject.fatMm * rng.range(0.85, 1.15));
  const side = subject.side;
  const cx = centerX + rng.range(-0.12, 0.12) * imageWidthPx - side * mm(subject.arteryRMm);
  const cy = mm(subject.veinDepthMm * rng.range(0.93, 1.07));
  const a = mm(subject.veinAMm * rng.range(0.95, 1.05));
  const b = a * subject.veinAspect;
  const r = mm(subject.arteryRMm * rng.range(0.95, 1.05));
  const landmark: Landmark = kind === 'LM1' || kind === 'LM2' ? kind : 'BG';
  const scene: Scene = { kind, landmark, thrombus, vessels: [], fatPx, seed: rng.int(0, 0x7fffffff) };
  if (kind === 'LM1') {
    scene.vessels.push(vein(cx, cy, a, b, px, true));
    scene.vessels.push(artery(cx + side * (a + r + mm(rng.range(1, 3))), cy - mm(rng.range(0.5, 3)), r, px));
    const g = mm(rng.range(2, 3.2));
    scene.vessels.push(vein(cx - side * a * rng.range(0.5, 0.75), cy - b - g * 0.35, g * 1.15, g * 0.8, px, false));
  } else if (kind === 'LM2') {
    const a2 = a * 0.9;
    const b2 = b * 0.9;
    scene.vessels.push(vein(cx, cy, a2, b2, px, true));
    const d = mm(rng.range(2.5, 3.6));
    scene.vessels.push(vein(cx + side * a2 * rng.range(0.2, 0.5), cy + b2 + d * 0.45, d * 1.2, d * 0.85, px, false));
    const r2 = r * 0.92;
    scene.vessels.push(artery(cx + side * (a2 + r2 + mm(rng.range(0.8, 2.5))), cy - mm(rng.range(1, 3)), r2, px));
    const r3 = r * rng.range(0.6, 0.75);
    scene.vessels.push(artery(cx + side * (a2 + r3 + mm(rng.range(2, 4))), cy + r2 + r3 + mm(rng.range(2, 5)), r3, px));
  } else if (kind === 'bg-vessels') {
    // Hard negative: a vein/artery pair away from any landmark (deeper, smaller,
    // artery above the vein as in the mid thigh), which still compresses.
    const va = a * rng.range(0.6, 0.8);
    const vb = va * rng.range(0.55, 0.8);
    const vy = Math.min(mm(subject.depthMm * 0.72), cy + mm(rng.range(2, 8)));
    const ra = r * rng.range(0.7, 0.85);
    scene.vessels.push(vein(cx, vy, va, vb, px, true));
    scene.vessels.push(artery(cx + side * va * rng.range(0, 0.5), vy - vb - ra - mm(rng.range(0.5, 1.5)), ra, px));
  } else if (kind === 'bg-node') {
    scene.node = {
      kind: 'node',
      cx: cx + rng.range(-0.1, 0.1) * imageWidthPx,
      cy: fatPx + mm(rng.range(2, 7)),
      a: mm(rng.range(6, 10)),
      b: mm(rng.range(2.8, 4.5)),
      angle: rng.range(-0.25, 0.25),
    };
  } else if (rng.chance(0.5)) {
    scene.boneY = mm(subject.depthMm * rng.range(0.7, 0.85));
  }
  return scene;
}
