/**
 * The exam script of one subject: which scene the probe is over at each frame
 * (sliding BG -> LM1 -> BG -> LM2 -> BG, cross-fading where it slides, since
 * speckle decorrelates out of plane), the probe pressure of each compression
 * cycle (press, hold, release), lateral drift and hand tremor.
 *
 * Everything is precomputed into per-frame arrays so any frame renders on its own.
 */
import type { SceneKind } from './anatomy.js';
import type { Rng } from './prng.js';

export interface Segment {
  kind: SceneKind;
  /** Inclusive first and last frame the segment owns (boundaries lie mid-fade). */
  startFrame: number;
  endFrame: number;
  thrombus: boolean;
  /** For landmark visits: the fraction of the resting minor axis a thrombosed vein keeps. */
  thrombusMinRatio: number;
}

export interface Timeline {
  frameCount: number;
  segments: Segment[];
  /** Per frame: segment index shown (A), the one faded towards (B), and B's weight in [0, 1]. */
  sceneA: Int16Array;
  sceneB: Int16Array;
  blend: Float32Array;
  /** Probe pressure in [0, 1]. */
  pressure: Float32Array;
  /** Lateral probe offset in mm (drift + tremor). */
  shiftMm: Float32Array;
  /** Axial tremor as a fraction (tiny scale jitter). */
  axialJitter: Float32Array;
}

const BG_KINDS: SceneKind[] = ['bg-vessels', 'bg-node', 'bg-muscle'];

function ease(t: number): number {
  const c = t < 0 ? 0 : Math.min(t, 1);
  return 0.5 - 0.5 * Math.cos(Math.PI * c);
}

export function createTimeline(rng: Rng, fps: number, durationS: number, thrombusFraction: number): Timeline {
  const frameCount = Math.max(1, Math.round(durationS * fps));
  const bgOrder = [...BG_KINDS];
  for (let i = bgOrder.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [bgOrder[i], bgOrder[j]] = [bgOrder[j]!, bgOrder[i]!];
  }
  // Most exams visit both landmarks; a few skip LM2 (an incomplete exam).
  const skipLm2 = rng.chance(0.06);
  const kinds: SceneKind[] = [bgOrder[0]!, 'LM1', bgOrder[1]!, skipLm2 ? bgOrder[0]! : 'LM2', bgOrder[2]!];
  const f1 = rng.range(0.27, 0.34);
  const f2 = rng.range(0.27, 0.34);
  const bgW = [rng.range(0.6, 1.4), rng.range(0.8, 1.4), rng.range(0.6, 1.4)];
  const bgSum = bgW[0]! + bgW[1]! + bgW[2]!;
  const bgTotal = 1 - f1 - f2;
  const fractions = [(bgTotal * bgW[0]!) / bgSum, f1, (bgTotal * bgW[1]!) / bgSum, f2, (bgTotal * bgW[2]!) / bgSum];

  const segments: Segment[] = [];
  let start = 0;
  for (let i = 0; i < kinds.length; i++) {
    const end = i === kinds.length - 1 ? frameCount - 1 : Math.min(frameCount - 1, start + Math.max(0, Math.round(fractions[i]! * frameCount) - 1));
    const isLm = kinds[i] === 'LM1' || kinds[i] === 'LM2';
    segments.push({
      kind: kinds[i]!,
      startFrame: start,
      endFrame: Math.max(start, end),
      thrombus: isLm && rng.chance(thrombusFraction),
      thrombusMinRatio: rng.range(0.3, 0.7),
    });
    start = Math.max(start, end) + 1;
    if (start > frameCount - 1) break;
  }

  const sceneA = new Int16Array(frameCount);
  const sceneB = new Int16Array(frameCount);
  const blend = new Float32Array(frameCount);
  const pressure = new Float32Array(frameCount);
  const shiftMm = new Float32Array(frameCount);
  const axialJitter = new Float32Array(frameCount);

  const fadeFrames = Math.max(1, Math.round(rng.range(0.45, 0.8) * fps));
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    for (let f = seg.startFrame; f <= seg.endFrame; f++) {
      sceneA[f] = s;
      sceneB[f] = s;
    }
  }
  // Cross-fades centred on each boundary: weight < 0.5 on the owning side.
  const fades: Array<{ lo: number; hi: number }> = [];
  for (let s = 1; s < segments.length; s++) {
    const boundary = segments[s]!.startFrame - 0.5;
    const lo = Math.max(segments[s - 1]!.startFrame, Math.ceil(boundary - fadeFrames / 2));
    const hi = Math.min(segments[s]!.endFrame, Math.floor(boundary + fadeFrames / 2));
    fades.push({ lo, hi });
    for (let f = lo; f <= hi; f++) {
      const w = (f - (boundary - fadeFrames / 2)) / fadeFrames;
      sceneA[f] = s - 1;
      sceneB[f] = s;
      blend[f] = Math.min(1, Math.max(0, w));
    }
  }

  // Compression cycles inside each segment, away from its fades.
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const isLm = seg.kind === 'LM1' || seg.kind === 'LM2';
    const lo = (s > 0 ? fades[s - 1]!.hi : seg.startFrame) + Math.round(rng.range(0.2, 0.5) * fps);
    const hi = (s < segments.length - 1 ? fades[s]!.lo : seg.endFrame) - Math.round(0.15 * fps);
    const wantCycles = isLm ? 99 : rng.chance(seg.kind === 'bg-vessels' ? 0.6 : 0.3) ? 1 : 0;
    let t = lo;
    let made = 0;
    while (made < wantCycles) {
      const press = Math.round(rng.range(0.45, 0.8) * fps);
      const hold = Math.round(rng.range(0.35, 0.9) * fps);
      const release = Math.round(rng.range(0.4, 0.7) * fps);
      const gap = Math.round(rng.range(0.25, 0.7) * fps);
      if (t + press + hold + release > hi) break;
      // An occasional half-hearted press (not the first, so every visit can close).
      const peak = made > 0 && rng.chance(0.15) ? rng.range(0.45, 0.65) : rng.range(0.97, 1);
      for (let f = 0; f < press; f++) pressure[t + f] = peak * ease((f + 1) / press);
      for (let f = 0; f < hold; f++) pressure[t + press + f] = peak;
      for (let f = 0; f < release; f++) pressure[t + press + hold + f] = peak * (1 - ease((f + 1) / release));
      t += press + hold + release + gap;
      made++;
    }
  }

  const driftA = rng.range(0.8, 2.2);
  const driftF = rng.range(0.05, 0.15);
  const driftP = rng.range(0, 6.28);
  const tremA = rng.range(0.06, 0.18);
  const tremF = rng.range(4, 9);
  const tremP = rng.range(0, 6.28);
  for (let f = 0; f < frameCount; f++) {
    const t = f / fps;
    shiftMm[f] =
      driftA * Math.sin(2 * Math.PI * driftF * t + driftP) +
      tremA * Math.sin(2 * Math.PI * tremF * t + tremP) +
      tremA * 0.6 * Math.sin(2 * Math.PI * tremF * 1.7 * t);
    axialJitter[f] = 0.004 * Math.sin(2 * Math.PI * tremF * 0.8 * t + 1.3);
  }
  return { frameCount, segments, sceneA, sceneB, blend, pressure, shiftMm, axialJitter };
}
