// Per-visit features at the model's input (dataset frames: crop-pad 600 around the B-mode region, resize 150).
import { readFileSync, writeFileSync } from 'node:fs';
import { held } from './geometry.js';
const preds: { exam: string; frame: number; vein: number; pClosed: number }[] = JSON.parse(
  readFileSync(process.env.PRED ?? '/tmp/mc/cand2_scanner.json', 'utf8'),
);
const D = process.env.DATA ?? '/work/data/HELDOUT_SCANNER/frames';
const seedBase = Number(process.env.SEEDBASE ?? 900000);
const n = Number(process.env.N ?? 12);
function npy(path: string): { data: Buffer; off: number } {
  const b = readFileSync(path);
  const hl = b.readUInt16LE(8);
  return { data: b, off: 10 + hl };
}
const out: Record<string, unknown>[] = [];
for (let i = 0; i < n; i++) {
  const h = held(i, seedBase);
  const file = `${D}/phantom-${h.seed}.npy`;
  let arr: { data: Buffer; off: number };
  try {
    arr = npy(file);
  } catch {
    continue;
  }
  const px = (f: number, x: number, y: number) => arr.data[arr.off + f * 22500 + y * 150 + x]!;
  const W = h.us.width,
    H = h.us.height;
  const toDs = (sx: number, sy: number) => [(sx - Math.floor(W / 2) + 300) / 4, (sy - Math.floor(H / 2) + 300) / 4] as const;
  for (const [k, seg] of h.tl.segments.entries()) {
    if ((seg.kind !== 'LM1' && seg.kind !== 'LM2') || seg.thrombus) continue;
    const closed = preds.filter((p) => p.exam === `phantom-${h.seed}` && p.vein === 1 && h.dominant(p.frame) === k);
    if (closed.length === 0) continue;
    const main = h.scenes[k]!.vessels.find((v) => v.main)!;
    const arteries = h.scenes[k]!.vessels.filter((v) => v.kind === 'artery');
    let open = -1,
      best = -1;
    for (let f = seg.startFrame; f <= seg.endFrame; f++) {
      const fi = h.exam.frameInfo(f);
      if (h.dominant(f) === k && h.tl.blend[f]! % 1 === 0 && fi.truth.veinAreaPx / fi.truth.veinRestAreaPx > best) {
        best = fi.truth.veinAreaPx / fi.truth.veinRestAreaPx;
        open = f;
      }
    }
    const stats = (f: number, inner: number, outerLo: number, outerHi: number) => {
      const ps = h.pose(k, f);
      const [cx, cy] = toDs(main.cx - ps.u0, main.cy / ps.sy);
      const a = main.a / 4,
        b = main.b / 4;
      let si = 0,
        ni = 0,
        so = 0,
        no = 0,
        all = 0,
        na = 0;
      for (let y = 0; y < 150; y++)
        for (let x = 0; x < 150; x++) {
          const g = px(f, x, y);
          if (g > 0) {
            all += g;
            na++;
          }
          const q = Math.sqrt(((x - cx) / a) ** 2 + ((y - cy) / b) ** 2);
          let inArtery = false;
          for (const ar of arteries) {
            const [ax, ay] = toDs(ar.cx - ps.u0, ar.cy / ps.sy);
            if (Math.hypot((x - ax) / (ar.a / 4), (y - ay) / (ar.b / 4)) < 1.4) inArtery = true;
          }
          if (inArtery) continue;
          if (q < inner) {
            si += g;
            ni++;
          } else if (q >= outerLo && q < outerHi) {
            so += g;
            no++;
          }
        }
      return { inside: ni ? si / ni : NaN, ring: no ? so / no : NaN, global: all / na, inFrac: ni / (Math.PI * a * b * inner * inner) };
    };
    const o = stats(open, 0.7, 1.3, 1.9);
    const cl = closed.map((p) => stats(p.frame, 1.0, 1.3, 1.9));
    const mean = (f: (s: ReturnType<typeof stats>) => number) => cl.reduce((s, x) => s + f(x), 0) / cl.length;
    const nearestArtery = Math.min(...arteries.map((ar) => Math.hypot(ar.cx - main.cx, ar.cy - main.cy) / main.a));
    out.push({
      seed: h.seed,
      lm: seg.kind,
      missed: closed.filter((p) => p.pClosed < 0.5).length,
      n: closed.length,
      aModelPx: +(main.a / 4).toFixed(1),
      bModelPx: +(main.b / 4).toFixed(1),
      veinInView: +Math.min(1, (W - (main.cx - h.marginX)) / main.a).toFixed(2),
      openLumen: +o.inside.toFixed(1),
      openRing: +o.ring.toFixed(1),
      openContrast: +((o.ring - o.inside) / o.ring).toFixed(2),
      closedRest: +mean((s) => s.inside).toFixed(1),
      closedRing: +mean((s) => s.ring).toFixed(1),
      closedVsRing: +(mean((s) => s.inside) / mean((s) => s.ring)).toFixed(2),
      closedVsOpenLumen: +(mean((s) => s.inside) / Math.max(1, o.inside)).toFixed(2),
      global: +o.global.toFixed(1),
      nearestArteryA: +nearestArtery.toFixed(2),
      node: h.sc.lm1Node && seg.kind === 'LM1',
      slowFlow: +h.sc.slowFlowEcho.toFixed(3),
      gain: +h.sc.gainDb.toFixed(1),
      dr: +h.sc.dynamicRangeDb.toFixed(0),
      gamma: +h.sc.grayMapGamma.toFixed(2),
      freq: +h.sc.frequencyMHz.toFixed(1),
      depth: +h.sc.depthMm.toFixed(0),
      sr: +h.sc.speckleReduction.toFixed(2),
      pers: +h.sc.persistence.toFixed(2),
      comp: h.sc.compounding,
    });
  }
}
writeFileSync(process.env.OUT ?? '/tmp/mc/visits.json', JSON.stringify(out));
console.table(out.map((r) => ({ ...r })));
