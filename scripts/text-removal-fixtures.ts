/**
 * Real-fixture check for the text-removal stage: every DICOM and video in
 * test/fixtures with burned-in text goes through the stage (file mode, default
 * config; DICOM frames carry their B-mode region), and tesseract — run on each removed
 * box (region strips excepted) of the checked output frames, both polarities, 3x — must
 * find no word of 3 or more letters there at confidence >= 50 (the count at any
 * confidence is printed too: at low confidence tesseract reads letters into inpainted
 * textures and tick marks). Writes docs/text-removal.png (before | after, last frame)
 * for the first fixtures.
 *
 * Which output frames are checked:
 *   - default (quick): the first 20 frames go through the stage, the last one is checked;
 *   - `--every N` (N > 0): every frame whose mask (set of removed boxes) differs from the
 *     frame before (the first included), every Nth frame (index % N == 0), and the last;
 *   - `--frames all`: the whole clip (then `--every` defaults to 10).
 * A box whose pixels (padded as the checker reads them) are identical to a box read
 * before is not read again: tesseract is deterministic, and static overlay boxes
 * inpainted from a static ring look the same on every frame.
 * Failures name the frame index, the box, the confidence and the word's letter count,
 * never the recognised text (patient data).
 *
 * Text left outside: the check above only looks inside removed regions. Unless
 * `--outside none`, tesseract also reads the whole last frame of each file, input and
 * output (sparse text, both polarities, 3x; pixels whose value spanned more than 48
 * gray levels over the clip — the moving image — blacked out first, so text drawn over
 * the moving image is not counted), and counts the words of >= 3 letters at
 * confidence >= 50, and at >= 20 (tesseract reads some screen fonts, a hospital name
 * among them, at 20-48) that lie less than half inside removed boxes (region strips
 * included): in the output
 * that is text the stage did not find (or tesseract reading letters into the image); in
 * the input, all such words of the frame, as a reference. Printed as counts, sizes and positions only.
 *
 *   npx tsx scripts/text-removal-fixtures.ts [--frames 20|all] [--every N] [--only REGEX] [--png docs/text-removal.png|none] [--outside last|none]
 *   (the picture is written by default in the quick mode only)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { from, lastValueFrom, tap } from 'rxjs';
import { openDicomFile } from '../src/dicom/open-dicom-file.js';
import type { Box, FrameEvent, PipelineEvent } from '../src/core/events.js';
import { textRemovalStage } from '../src/stages/text-removal/index.js';
import { boxArea, intersectionArea } from '../src/redaction/boxes.js';
import { frameBoxOf, prepareOcrImage } from '../src/redaction/ocr-image.js';
import type { OcrWord } from '../src/redaction/ocr-words.js';
import { decodeVideo } from '../src/video/index.js';
import { CHECK_SCALE, checkArea, checker, isWord3, root, wordsIn } from './text-removal-ocr-check.js';
import { systemClock } from '../src/core/context.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const framesArg = arg('frames', '20');
const maxFrames = framesArg === 'all' ? Infinity : Number(framesArg);
if (!(maxFrames > 0)) throw new Error(`--frames must be a positive number or "all", got ${framesArg}`);
/** 0: check the last frame only (the quick mode). */
const every = Number(arg('every', framesArg === 'all' ? '10' : '0'));
if (!(Number.isInteger(every) && every >= 0)) throw new Error(`--every must be a non-negative integer, got ${arg('every', '')}`);
const only = new RegExp(arg('only', '.'));
/** The picture shows the quick mode's last frames: other runs write it only when asked. */
const pngArg = arg('png', framesArg === '20' && !process.argv.includes('--only') ? 'docs/text-removal.png' : 'none');
const pngPath = pngArg === 'none' ? undefined : path.resolve(root, pngArg);
const fixtures = path.resolve(root, 'test/fixtures');

const outsideArg = arg('outside', 'last');
if (!['last', 'none'].includes(outsideArg)) throw new Error(`--outside must be "last" or "none", got ${outsideArg}`);
const NO_TEXT = /no_text|esopecho/;
/** A word counts as read when tesseract gives it at least this confidence (0-100). */
const MIN_CONFIDENCE = 50;
const files = [
  ...fs
    .readdirSync(path.join(fixtures, 'dicom'))
    .filter((f) => f.startsWith('us_') && !NO_TEXT.test(f))
    .map((f) => path.join(fixtures, 'dicom', f)),
  ...fs
    .readdirSync(path.join(fixtures, 'video'))
    .filter((f) => !NO_TEXT.test(f))
    .map((f) => path.join(fixtures, 'video', f)),
].filter((f) => only.test(path.basename(f)));

/** The file's frames as events, decoded one at a time. */
async function* framesOf(file: string): AsyncGenerator<FrameEvent> {
  const examId = path.basename(file);
  const event = (i: number, width: number, height: number, pixels: Uint8Array, usRegion?: Box): FrameEvent => ({
    kind: 'frame',
    seq: i,
    ptsMs: i * 33,
    width,
    height,
    pixels,
    source: { uri: file, examId, frameIndex: i },
    meta: usRegion ? { usRegion } : {},
  });
  if (/\.(dcm|zip)$/.test(file)) {
    const d = await openDicomFile(file);
    const regions = d.info.ultrasoundRegions.filter((r) => r.spatialFormat === 1);
    const region = regions.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    for (let i = 0; i < Math.min(maxFrames, d.info.frames); i++) {
      const g = await d.decodeFrame(i);
      yield event(i, g.width, g.height, g.pixels, region && { x: region.x, y: region.y, width: region.width, height: region.height });
    }
  } else {
    let i = 0;
    for await (const f of decodeVideo(file, Number.isFinite(maxFrames) ? { maxFrames } : {})) yield event(i++, f.width, f.height, f.pixels);
  }
}

const ctx = {
  unitPath: 'stages[0]',
  unitType: 'text-removal',
  baseDir: root,
  clock: systemClock,
  seed: 1,
  logger: { info() {}, warn() {}, debug() {} },
  signal: new AbortController().signal,
  live: false,
  stdout: process.stdout,
  stderr: process.stderr,
  flow: { ready: () => undefined },
  warn: (m: string) => console.error('  warning:', m),
};
const check = checker(7);
/** Whole-frame reader for text left outside removed regions: sparse text, like the stage. */
const sparse = outsideArg === 'none' ? undefined : checker(11);
const OUTSIDE_SCALE = 3;
/** The weak bar for the outside read: this screen font is read at 0-40 by tesseract (a hospital name at 25-48). */
const WEAK_CONFIDENCE = 20;
/** A pixel whose value spans more than this over the clip is the moving image (blanked before the outside read). */
const MOVED = 48;

/** Words of >= 3 letters at >= WEAK_CONFIDENCE in the whole frame (both polarities) less than half inside `removed`, in frame coordinates. */
async function wordsOutside(frame: FrameEvent, removed: readonly Box[], moved?: Uint8Array): Promise<{ box: Box; confidence: number }[]> {
  const area = { x: 0, y: 0, width: frame.width, height: frame.height };
  // Pixels that changed during the clip (the ultrasound image) are set to black: on
  // speckle, tesseract's page layout drops the text lines around it.
  const pixels = moved ? frame.pixels.map((v, i) => (moved[i] ? 0 : v)) : frame.pixels;
  const img = { width: frame.width, height: frame.height, pixels };
  const runs = await Promise.all([true, false].map((invert) => sparse!.recognize(prepareOcrImage(img, area, { scale: OUTSIDE_SCALE, invert }))));
  const out: { box: Box; confidence: number }[] = [];
  for (const w of runs.flat()) {
    if (!isWord3(w, WEAK_CONFIDENCE)) continue;
    const box = frameBoxOf(w, { area, scale: OUTSIDE_SCALE })!;
    // Removed when at least half of it lies in removed boxes (a word read across a
    // box edge is mostly outside it: the text there was not removed).
    const inside = removed.reduce((n, r) => n + intersectionArea(r, box), 0);
    if (inside * 2 >= boxArea(box)) continue;
    // The same word read in both polarities counts once.
    const same = out.find((o) => intersectionArea(o.box, box) * 2 > boxArea(box));
    if (same) same.confidence = Math.max(same.confidence, Math.round(w.confidence));
    else out.push({ box, confidence: Math.round(w.confidence) });
  }
  return out;
}

/** Words the checker reads in a box, cached by the pixels it would read (same pixels, same answer). */
const cache = new Map<string, OcrWord[]>();
let ocrCalls = 0;
let boxesChecked = 0;
async function wordsInCached(frame: FrameEvent, box: Box): Promise<OcrWord[]> {
  const area = checkArea(frame, box);
  const h = createHash('sha1').update(`${area.x},${area.y},${area.width}x${area.height}|`);
  for (let y = area.y; y < area.y + area.height; y++) h.update(frame.pixels.subarray(y * frame.width + area.x, y * frame.width + area.x + area.width));
  const key = h.digest('hex');
  boxesChecked++;
  let words = cache.get(key);
  if (!words) {
    ocrCalls++;
    words = await wordsIn(check, frame, box);
    cache.set(key, words);
  }
  return words;
}

const maskKey = (f: FrameEvent) =>
  (f.meta.redactions ?? [])
    .filter((r) => r.confidence !== undefined)
    .map((r) => `${r.x},${r.y},${r.width}x${r.height}`)
    .join(';');

interface Failure {
  frame: number;
  box: Box;
  confidence: number;
  letters: number;
  word: Box;
  inside: number;
}
const pairs: { before: FrameEvent; after: FrameEvent }[] = [];
const summary: {
  file: string;
  frames: number;
  checked: number;
  boxes: number;
  maskChanges: number;
  failedFrames: number;
  anyConfidence: number;
  maxConfidence: number;
  /** Words of >= 3 letters outside removed regions, at >= MIN_CONFIDENCE and at >= WEAK_CONFIDENCE. */
  outsideIn?: [number, number];
  outsideOut?: [number, number];
}[] = [];
let failures = 0;
for (const file of files) {
  const op = await textRemovalStage.build(textRemovalStage.schema.parse({}), ctx);
  const t0 = performance.now();
  let lastIn: FrameEvent | undefined;
  let lastOut: FrameEvent | undefined;
  let prevKey: string | undefined;
  let maskChanges = 0;
  /** Output frames to check (the last one is added at the end). */
  const toCheck: FrameEvent[] = [];
  let frames = 0;
  /** Per pixel, the lowest and highest value over the clip: what moved is the image. */
  let lo: Uint8Array | undefined;
  let hi: Uint8Array | undefined;
  const input = (async function* () {
    for await (const f of framesOf(file)) {
      frames++;
      lastIn = f;
      if (sparse && (!lo || lo.length !== f.pixels.length)) {
        lo = f.pixels.slice();
        hi = f.pixels.slice();
      } else if (sparse)
        for (let i = 0; i < f.pixels.length; i++) {
          const v = f.pixels[i]!;
          if (v < lo![i]!) lo![i] = v;
          if (v > hi![i]!) hi![i] = v;
        }
      yield f as PipelineEvent;
    }
  })();
  await lastValueFrom(
    from(input).pipe(
      op,
      tap((e) => {
        if (e.kind !== 'frame') return;
        const key = maskKey(e);
        const changed = key !== prevKey;
        if (changed) maskChanges++;
        prevKey = key;
        if (every > 0 && (changed || e.source.frameIndex! % every === 0)) toCheck.push(e);
        lastOut = e;
      }),
    ),
    { defaultValue: undefined },
  );
  const ms = performance.now() - t0;
  const after = lastOut!;
  if (toCheck.at(-1) !== after) toCheck.push(after);
  let strict = 0;
  /** The highest confidence of a word of >= 3 letters (any confidence): the margin to MIN_CONFIDENCE. */
  let maxConfidence = 0;
  let boxesRead = 0;
  /** Words read in the checker's margin that lie mostly outside the box. */
  let beside = 0;
  const failed: Failure[] = [];
  for (const frame of toCheck) {
    const boxes = (frame.meta.redactions ?? []).filter((r) => r.confidence !== undefined);
    boxesRead += boxes.length;
    for (const box of boxes) {
      const words = await wordsInCached(frame, box);
      strict += words.filter((w) => isWord3(w)).length;
      for (const w of words) if (isWord3(w)) maxConfidence = Math.max(maxConfidence, w.confidence);
      for (const w of words.filter((w) => isWord3(w, MIN_CONFIDENCE))) {
        // Where the word lies: the checker reads 4 px around the box too (the box's neighbourhood, not removed).
        const word = frameBoxOf(w, { area: checkArea(frame, box), scale: CHECK_SCALE })!;
        const inside = boxArea(word) ? intersectionArea(word, box) / boxArea(word) : 0;
        // A word at least half outside the box lies in the neighbourhood, not in the removed
        // region (the same rule as the outside measurement): counted apart.
        if (inside < 0.5) {
          beside++;
          continue;
        }
        failed.push({
          frame: frame.source.frameIndex!,
          box: { x: box.x, y: box.y, width: box.width, height: box.height },
          confidence: Math.round(w.confidence),
          letters: (w.text.match(/\p{L}/gu) ?? []).length,
          word,
          inside,
        });
      }
    }
  }
  const failedFrames = new Set(failed.map((f) => f.frame)).size;
  if (failed.length) failures++;
  const boxesLast = (after.meta.redactions ?? []).filter((r) => r.confidence !== undefined).length;
  console.log(
    `${path.basename(file)}: ${frames} frames ${after.width}x${after.height}, region ${after.meta.usRegion ? 'yes' : 'no'}, ` +
      `${boxesLast} boxes removed in the last frame (OCR and static ink), ${maskChanges} mask changes; ` +
      `checked ${toCheck.length} frames (${boxesRead} boxes); frames with a word of >= 3 letters at confidence >= ${MIN_CONFIDENCE} inside a removed box: ${failedFrames} ` +
      `(words: ${failed.length}; at any confidence: ${strict}, highest confidence ${maxConfidence.toFixed(0)}; ` +
      `${beside} more read in the margin but mostly outside the box), ${(ms / frames).toFixed(0)} ms/frame`,
  );
  for (const f of failed) {
    const b = f.box;
    const w = f.word;
    console.log(
      `  frame ${f.frame}: box x=${b.x} y=${b.y} ${b.width}x${b.height}, confidence ${f.confidence}, a word of ${f.letters} letters ` +
        `at x=${w.x} y=${w.y} ${w.width}x${w.height} (${(100 * f.inside).toFixed(0)}% inside the box)`,
    );
  }
  let outsideIn: [number, number] | undefined;
  let outsideOut: [number, number] | undefined;
  if (sparse) {
    const removed = after.meta.redactions ?? [];
    const moved = hi!.map((v, i) => (v - lo![i]! > MOVED ? 1 : 0));
    const left = await wordsOutside(after, removed, moved);
    const all = await wordsOutside(lastIn!, [], moved);
    const counts = (ws: { confidence: number }[]): [number, number] => [ws.filter((w) => w.confidence >= MIN_CONFIDENCE).length, ws.length];
    outsideIn = counts(all);
    outsideOut = counts(left);
    console.log(
      `  last frame, outside removed regions: ${outsideOut[0]} words of >= 3 letters at confidence >= ${MIN_CONFIDENCE}, ${outsideOut[1]} at >= ${WEAK_CONFIDENCE} ` +
        `(input, whole frame: ${outsideIn[0]} and ${outsideIn[1]})`,
    );
    for (const w of left) console.log(`    left: x=${w.box.x} y=${w.box.y} ${w.box.width}x${w.box.height}, confidence ${w.confidence}`);
  }
  summary.push({
    file: path.basename(file),
    frames,
    checked: toCheck.length,
    boxes: boxesRead,
    maskChanges,
    failedFrames,
    anyConfidence: strict,
    maxConfidence,
    outsideIn,
    outsideOut,
  });
  pairs.push({ before: lastIn!, after });
}
await check.terminate();
await sparse?.terminate();
console.log(`checker: ${boxesChecked} boxes checked, ${ocrCalls} read by tesseract (the others: pixels identical to a box read before)`);
if (every > 0 || sparse) {
  const outside = (s: (typeof summary)[number]) => (sparse ? ` ${s.outsideOut![0]} / ${s.outsideOut![1]} (${s.outsideIn![0]} / ${s.outsideIn![1]}) |` : '');
  console.log(
    '\n| file | frames | masks | frames checked | boxes checked | frames failing | words at any confidence (highest confidence) |' +
      (sparse ? ` last frame: words outside removed regions, >= ${MIN_CONFIDENCE} / >= ${WEAK_CONFIDENCE} (input: words in the frame) |` : '') +
      `\n| --- | --- | --- | --- | --- | --- | --- |${sparse ? ' --- |' : ''}`,
  );
  for (const s of summary)
    console.log(
      `| ${s.file} | ${s.frames} | ${s.maskChanges} | ${s.checked} | ${s.boxes} | ${s.failedFrames} | ${s.anyConfidence} (${s.maxConfidence.toFixed(0)}) |${outside(s)}`,
    );
  if (sparse) {
    const total = (k: 'outsideIn' | 'outsideOut', i: 0 | 1) => summary.reduce((n, s) => n + (s[k]?.[i] ?? 0), 0);
    console.log(
      `words of >= 3 letters outside removed regions, last frames: at >= ${MIN_CONFIDENCE} ${total('outsideOut', 0)} in the output (${total('outsideIn', 0)} in the whole input frames), ` +
        `${summary.filter((s) => s.outsideOut![0]).length} of ${summary.length} files with any; at >= ${WEAK_CONFIDENCE} ${total('outsideOut', 1)} (${total('outsideIn', 1)}), ` +
        `${summary.filter((s) => s.outsideOut![1]).length} files`,
    );
  }
}
console.log(failures ? `FAIL: ${failures} fixtures still show words in removed regions` : 'OK: no word of >= 3 letters inside any removed region');
process.exitCode = failures ? 1 : 0;

// docs/text-removal.png: before | after, 4-6 fixtures, each scaled to 400 px wide.
if (pngPath) {
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
}
