/**
 * Real-fixture check for the text-removal stage: every DICOM and video in
 * ../shared/fixtures with burned-in text goes through the stage (file mode, default
 * config; DICOM frames carry their B-mode region), and tesseract — run on each removed
 * box of the last output frame, both polarities, 3x — must find no word of 3 or more
 * letters there at confidence >= 50 (the count at any confidence is printed too: at
 * low confidence tesseract reads letters into inpainted textures and tick marks). Writes docs/text-removal.png (before | after) for the first fixtures.
 *
 *   npx tsx scripts/text-removal-fixtures.ts [--frames 20] [--png docs/text-removal.png]
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { firstValueFrom, from, toArray } from 'rxjs';
import { openDicomFile } from '../src/dicom/open-dicom-file.js';
import type { Box, FrameEvent, PipelineEvent } from '../src/events.js';
import { textRemovalStage } from '../src/stages/text-removal/index.js';
import { decodeVideo } from '../src/video/index.js';
import { checker, isWord3, root, wordsIn } from './text-removal-ocr-check.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const maxFrames = Number(arg('frames', '20'));
const pngPath = path.resolve(root, arg('png', 'docs/text-removal.png'));
const fixtures = path.resolve(root, '../shared/fixtures');

const NO_TEXT = /no_text|esopecho/;
/** A word counts as read when tesseract gives it at least this confidence (0-100). */
const MIN_CONFIDENCE = 50;
const files = [
  ...fs.readdirSync(path.join(fixtures, 'dicom')).filter((f) => f.startsWith('us_') && !NO_TEXT.test(f)).map((f) => path.join(fixtures, 'dicom', f)),
  ...fs.readdirSync(path.join(fixtures, 'video')).filter((f) => !NO_TEXT.test(f)).map((f) => path.join(fixtures, 'video', f)),
];

async function framesOf(file: string): Promise<FrameEvent[]> {
  const examId = path.basename(file);
  const out: FrameEvent[] = [];
  const push = (i: number, width: number, height: number, pixels: Uint8Array, usRegion?: Box) =>
    out.push({ kind: 'frame', seq: i, ptsMs: i * 33, width, height, pixels, source: { uri: file, examId, frameIndex: i }, meta: usRegion ? { usRegion } : {} });
  if (/\.(dcm|zip)$/.test(file)) {
    const d = await openDicomFile(file);
    const regions = d.info.ultrasoundRegions.filter((r) => r.spatialFormat === 1);
    const region = regions.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    for (let i = 0; i < Math.min(maxFrames, d.info.frames); i++) {
      const g = await d.decodeFrame(i);
      push(i, g.width, g.height, g.pixels, region && { x: region.x, y: region.y, width: region.width, height: region.height });
    }
  } else {
    let i = 0;
    for await (const f of decodeVideo(file, { maxFrames })) push(i++, f.width, f.height, f.pixels);
  }
  return out;
}

const ctx = {
  unitPath: 'stages[0]', unitType: 'text-removal', baseDir: root, clock: { now: Date.now, monotonic: () => performance.now() },
  seed: 1, logger: { info() {}, warn() {}, debug() {} }, signal: new AbortController().signal, live: false,
  stdout: process.stdout, stderr: process.stderr, flow: { ready: () => undefined }, warn: (m: string) => console.error('  warning:', m),
};
const check = checker(7);
const pairs: { before: FrameEvent; after: FrameEvent }[] = [];
let failures = 0;
for (const file of files) {
  const frames = await framesOf(file);
  const op = await textRemovalStage.build(textRemovalStage.schema.parse({}), ctx);
  const t0 = performance.now();
  const out = (await firstValueFrom(from(frames as PipelineEvent[]).pipe(op, toArray()))).filter((e): e is FrameEvent => e.kind === 'frame');
  const ms = performance.now() - t0;
  const after = out.at(-1)!;
  const boxes = (after.meta.redactions ?? []).filter((r) => r.confidence !== undefined);
  let strict = 0;
  let found = 0;
  for (const box of boxes) {
    const words = await wordsIn(check, after, box);
    strict += words.filter((w) => isWord3(w)).length;
    found += words.filter((w) => isWord3(w, MIN_CONFIDENCE)).length;
  }
  if (found) failures++;
  console.log(
    `${path.basename(file)}: ${frames.length} frames ${after.width}x${after.height}, region ${frames[0]!.meta.usRegion ? 'yes' : 'no'}, ` +
      `${boxes.length} boxes removed (OCR and static ink), words of >= 3 letters left inside them: ${found} (at any confidence: ${strict}), ${(ms / frames.length).toFixed(0)} ms/frame`,
  );
  pairs.push({ before: frames.at(-1)!, after });
}
await check.terminate();
console.log(failures ? `FAIL: ${failures} fixtures still show words in removed regions` : 'OK: no word of >= 3 letters inside any removed region');

// docs/text-removal.png: before | after, 4-6 fixtures, each scaled to 400 px wide.
const show = pairs.filter((p) => /epiq5g_mono|sonosite_echo|logiqbooke|ed_fast|acuson|lumify_ruq/.test(p.before.source.uri)).slice(0, 6);
const cw = 400;
const rows = show.map(({ before, after }) => ({ before, after, h: Math.round((before.height * cw) / before.width) }));
const png = new PNG({ width: 2 * cw + 12, height: rows.reduce((s, r) => s + r.h + 8, 0) });
png.data.fill(255);
let y0 = 0;
for (const r of rows) {
  for (const [k, img] of [r.before, r.after].entries()) {
    for (let y = 0; y < r.h; y++)
      for (let x = 0; x < cw; x++) {
        const v = img.pixels[Math.floor((y * img.height) / r.h) * img.width + Math.floor((x * img.width) / cw)]!;
        const o = ((y0 + y) * png.width + k * (cw + 12) + x) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
  }
  y0 += r.h + 8;
}
fs.mkdirSync(path.dirname(pngPath), { recursive: true });
fs.writeFileSync(pngPath, PNG.sync.write(png));
console.log(`wrote ${path.relative(root, pngPath)} (${rows.length} fixtures, before | after)`);
process.exitCode = failures ? 1 : 0;
