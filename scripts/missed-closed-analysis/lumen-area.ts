// Rendered lumen area (screen pixels whose reference point lies inside the main vein) against the
// truth area, over every pressed landmark frame of the 12 held-out scanner exams (no clot).
//   node --import tsx scripts/missed-closed-analysis/lumen-area.ts OUT.json   ->  [seed, frame, truth area/rest, rendered/rest]
import { writeFileSync } from 'node:fs';
import { held } from './geometry.js';
const rows: number[][] = [];
for (let i = 0; i < 12; i++) {
  const h = held(i);
  const W = h.us.width,
    H = h.us.height;
  for (let f = 0; f < h.exam.frameCount; f++) {
    const info = h.exam.frameInfo(f);
    if (info.truth.visitIndex < 0 || info.truth.pressure <= 0 || h.tl.segments[h.dominant(f)]!.thrombus) continue;
    const s = h.dominant(f);
    const { u, v } = h.map(s, f);
    const main = h.scenes[s]!.vessels.find((x) => x.main)!;
    // only when the whole vein is inside the region
    let n = 0;
    for (let k = 0; k < W * H; k++) if (((u[k]! - main.cx) / main.a) ** 2 + ((v[k]! - main.cy) / main.b) ** 2 < 1) n++;
    rows.push([h.seed, f, info.truth.veinAreaPx / info.truth.veinRestAreaPx, n / info.truth.veinRestAreaPx]);
  }
}
writeFileSync(process.argv[2] ?? 'tmp/lumen-area.json', JSON.stringify(rows));
