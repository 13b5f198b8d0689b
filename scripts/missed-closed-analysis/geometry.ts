// The scene geometry and renderer map of a held-out scanner exam (seed base 900000, 10 s), rebuilt
// from the same seeded streams as src/phantom/exam.ts (analysis only: keep in step with exam.ts).
import { createScene, createSubject } from '../../src/phantom/anatomy.js';
import { createPhantomExam } from '../../src/phantom/index.js';
import { createRng } from '../../src/phantom/prng.js';
import { BmodeRenderer, type ScenePose } from '../../src/phantom/render.js';
import { createTimeline } from '../../src/phantom/timeline.js';
import { subjectSeed } from '../../src/synth/index.js';
function pulseShape(phase: number): number {
  const p = phase - Math.floor(phase);
  return p < 0.12 ? Math.sin((p / 0.12) * (Math.PI / 2)) : Math.exp(-(p - 0.12) / 0.18);
}
export function held(i: number, seedBase = 900000) {
  const seed = subjectSeed(seedBase, i);
  const opts = { seed, imaging: 'scanner' as const, durationS: 10, thrombusFraction: 0.2, fps: 30 };
  const exam = createPhantomExam(opts);
  const root = createRng(seed);
  root.range(35, 50);
  const gc = root.range(0.02, 0.04);
  const breathPhase = root.range(0, 6.28);
  const pulseAmp = root.range(0.04, 0.08);
  const sc = exam.scanner!;
  const us = exam.usRegion;
  const mmPerPx = exam.pixelSpacingMm.x;
  const beamW = us.width;
  const subject = createSubject(root.fork('subject'), mmPerPx, sc.depthMm);
  const tl = createTimeline(root.fork('timeline'), 30, 10, 0.2);
  const marginX = Math.ceil(0.12 * beamW + 3 / mmPerPx);
  const scenes = tl.segments.map((seg, k) => createScene(seg.kind, subject, root.fork(`scene-${k}`), marginX + beamW / 2, beamW, seg.thrombus));
  const dominant = (f: number) => (tl.blend[f]! >= 0.5 ? tl.sceneB[f]! : tl.sceneA[f]!);
  const renderer = new BmodeRenderer(us.width, us.height);
  /** The renderer's pose of scene s at frame f (field left out: buildMap does not read it). */
  const pose = (s: number, f: number): ScenePose => {
    const seg = tl.segments[s]!;
    const p = tl.pressure[f]!;
    const t = f / 30;
    const healthy = Math.max(0, 1 - p * 1.15);
    const breath = 1 + 0.03 * Math.sin((2 * Math.PI * t) / 4 + breathPhase);
    const mainC = seg.thrombus ? 1 - p * (1 - seg.thrombusMinRatio) : healthy;
    const veins = [];
    const vessels = [];
    for (const v of scenes[s]!.vessels) {
      if (v.kind === 'vein')
        veins.push({ cx: v.cx, cy: v.cy, a: v.a, b: v.b, c: Math.min(1, (seg.thrombus ? mainC : healthy) * (healthy > 0 || seg.thrombus ? breath : 1)) });
      else {
        const k = 1 + pulseAmp * pulseShape(t * subject.heartRateHz);
        vessels.push({ cx: v.cx, cy: v.cy, a: v.a, b: v.b, a2: v.a * k * (1 + 0.03 * p), b2: v.b * k * (1 - 0.07 * p) });
      }
    }
    return { field: undefined as never, veins, vessels, u0: marginX - tl.shiftMm[f]! / mmPerPx, sy: 1 + gc * p + tl.axialJitter[f]! };
  };
  /** The screen-to-reference map of frame f's dominant scene (beam = B-mode region, linear arrays). */
  const map = (s: number, f: number): { u: Float32Array; v: Float32Array; pose: ScenePose } => {
    const ps = pose(s, f);
    const m = renderer.mapPose(ps);
    return { u: m.u, v: m.v, pose: ps };
  };
  return { seed, exam, sc, us, mmPerPx, subject, tl, scenes, dominant, pose, map, marginX };
}
