import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/phantom/prng.js';
import { BmodeRenderer, type ScenePose, type VeinPose } from '../../src/phantom/render.js';

const W = 320;
const H = 280;
// The map does not read the speckle field; a pose still needs one.
const field = { width: W + 100, height: H + 100, db: new Float32Array((W + 100) * (H + 100)) };

/** A pose with a pulsing artery (radius 30) beside the veins, its centre at (arteryX, arteryY). */
function pose(veins: VeinPose[], sy = 1.03, arteryX = 290, arteryY = 110): ScenePose {
  return { field, veins, u0: 50, sy, vessels: [{ cx: arteryX, cy: arteryY, a: 30, b: 30, a2: 31, b2: 29 }] };
}

/** Screen pixels whose reference point lies inside a vein's resting lumen. */
function lumenPixels(renderer: BmodeRenderer, p: ScenePose): number {
  const { u, v } = renderer.mapPose(p);
  let n = 0;
  for (let k = 0; k < u.length; k++) {
    for (const vein of p.veins) {
      if (((u[k]! - vein.cx) / vein.a) ** 2 + ((v[k]! - vein.cy) / vein.b) ** 2 < 0.999) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Reference depth never goes back up a screen column by more than `tolerance` pixels. */
function monotoneColumns(renderer: BmodeRenderer, p: ScenePose, tolerance: number): boolean {
  const { v } = renderer.mapPose(p);
  for (let x = 0; x < W; x++) for (let y = 1; y < H; y++) if (v[y * W + x]! < v[(y - 1) * W + x]! - tolerance) return false;
  return true;
}

// The saphenofemoral junction (LM1: a smaller vein merging on top of the main one) and the
// femoral bifurcation (LM2: a smaller vein merging below it), in reference pixels.
const lm1 = (c: number): VeinPose[] => [
  { cx: 200, cy: 140, a: 60, b: 42, c },
  { cx: 170, cy: 95, a: 26, b: 18, c },
];
const lm2 = (c: number): VeinPose[] => [
  { cx: 200, cy: 130, a: 55, b: 40, c },
  { cx: 220, cy: 182, a: 34, b: 24, c },
];

describe('B-mode renderer: vein collapse', () => {
  it('draws no lumen where the veins of a junction are fully collapsed', () => {
    // The smoothing of tissue above the veins used to pull rows from below a collapsed lumen
    // back into it: a dark wedge beside the dent, while the truth says closed.
    const r = new BmodeRenderer(W, H);
    expect(lumenPixels(r, pose(lm1(0)))).toBe(0);
    expect(lumenPixels(r, pose(lm2(0)))).toBe(0);
  });

  it('never draws lumen of a fully collapsed vein, and never folds tissue, for random layouts', () => {
    const rng = createRng(17);
    const r = new BmodeRenderer(W, H);
    for (let i = 0; i < 12; i++) {
      const a = rng.range(30, 75);
      const b = a * rng.range(0.6, 0.85);
      const veins: VeinPose[] = [{ cx: rng.range(120, 280), cy: rng.range(b + 40, 170), a, b, c: 0 }];
      const m = veins[0]!;
      const a2 = a * rng.range(0.35, 0.7);
      const b2 = a2 * rng.range(0.6, 0.8);
      const below = rng.chance(0.5);
      veins.push({ cx: m.cx + rng.range(-0.5, 0.5) * a, cy: below ? m.cy + m.b + b2 * 0.45 : m.cy - m.b - b2 * 0.35, a: a2, b: b2, c: 0 });
      const side = rng.chance(0.5) ? 1 : -1;
      const p = pose(veins, 1 + rng.range(0, 0.05), m.cx + side * (m.a + 30 + rng.range(5, 15)), m.cy - rng.range(0, 20));
      expect(lumenPixels(r, p), `layout ${i}`).toBe(0);
      // Sub-pixel folds (< 0.5 px) come from the artery's and the fade's smooth blends, not the veins.
      expect(monotoneColumns(r, p, 0.5), `layout ${i}`).toBe(true);
    }
  });

  it('draws a nearly closed vein with the lumen area of its truth, so the image agrees with the closed label', () => {
    const r = new BmodeRenderer(W, H);
    const rest = Math.PI * 60 * 42;
    for (const c of [0.05, 0.08]) {
      const veins: VeinPose[] = [{ cx: 200, cy: 140, a: 60, b: 42, c }];
      expect(Math.abs(lumenPixels(r, pose(veins)) / rest - c), `c = ${c}`).toBeLessThan(0.01);
    }
  });
});
