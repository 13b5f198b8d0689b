// Render held-out scanner exams (seed 900000) through crop-pad 600 (B-mode region) + resize 150
// into an autodvt-dataset folder (the same frames as pipelines/phantom-dataset.yaml writes).
// usage: node --import tsx scripts/missed-closed-analysis/dataset.ts OUTDIR i,j,k
import { mkdirSync, writeFileSync } from 'node:fs';
import { cropPad } from '../../src/image/crop-or-pad.js';
import { resizeGray } from '../../src/image/area-resize.js';
import { createPhantomExam } from '../../src/phantom/index.js';
import { subjectSeed } from '../../src/synth/index.js';
const [out, list] = process.argv.slice(2) as [string, string];
mkdirSync(`${out}/frames`, { recursive: true });
const exams = [];
for (const i of list.split(',').map(Number)) {
  const seed = subjectSeed(900000, i);
  const e = createPhantomExam({ seed, imaging: 'scanner', durationS: 10, thrombusFraction: 0.2, fps: 30 });
  const n = e.frameCount;
  const header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${n}, 150, 150), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = Buffer.from(`\x93NUMPY\x01\x00` + '  ' + header + ' '.repeat(pad) + '\n', 'latin1');
  h.writeUInt16LE(h.length - 10, 8);
  const data = Buffer.alloc(n * 150 * 150);
  const lm: number[] = [],
    open: number[] = [];
  const us = e.usRegion;
  for (const f of e.frames()) {
    const c = cropPad(
      { width: f.width, height: f.height, pixels: f.pixels },
      { width: 600, height: 600, centreX: us.x + Math.floor(us.width / 2), centreY: us.y + Math.floor(us.height / 2), fill: 0, within: us },
    );
    const r = resizeGray(c, 150, 150);
    data.set(r.pixels, f.index * 22500);
    lm.push({ BG: 0, LM1: 1, LM2: 2 }[f.labels.landmark]!);
    open.push(f.labels.open ? 1 : 0);
  }
  writeFileSync(`${out}/frames/phantom-${seed}.npy`, Buffer.concat([h, data]));
  exams.push({
    examId: `phantom-${seed}`,
    subjectId: `phantom-subject-${seed}`,
    file: `frames/phantom-${seed}.npy`,
    frames: n,
    fps: 30,
    landmark: lm,
    open,
    split: 'test',
  });
  console.error('wrote', seed);
}
writeFileSync(
  `${out}/index.json`,
  JSON.stringify({
    format: 'autodvt-dataset',
    version: 1,
    frameSize: [150, 150],
    landmarkCodes: { BG: 0, LM1: 1, LM2: 2 },
    openCodes: { open: 1, closed: 0, missing: -1 },
    exams,
  }),
);
