/**
 * Phantom measurement for the text-removal stage (docs/text-removal.md):
 * for several phantom exams, run the stage (file mode) over the first frames and, on
 * sampled output frames,
 *   - removal rate: a text box counts as removed when tesseract, run on the output
 *     around the box (both polarities, 3x, single-line mode), finds no letter or digit;
 *   - B-mode pixels changed outside the text boxes (fraction of the ultrasound region).
 * Two modes: `region` (the frame meta knows the B-mode region, as from DICOM) and
 * `ocr-only` (no region: everything rests on OCR).
 *
 *   npx tsx scripts/text-removal-phantom.ts [--seeds 6] [--frames 40] [--fill inpaint]
 */
import { firstValueFrom, from, toArray } from 'rxjs';
import type { FrameEvent, PipelineEvent } from '../src/core/events.js';
import { createPhantomExam } from '../src/phantom/index.js';
import { textRemovalStage } from '../src/stages/text-removal/index.js';
import { intersectionArea } from '../src/redaction/boxes.js';
import { checker, hasAlnum, wordsIn } from './text-removal-ocr-check.js';
import { systemClock } from '../src/core/context.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seeds = Number(arg('seeds', '6'));
const nFrames = Number(arg('frames', '40'));
const fill = arg('fill', 'inpaint');
const sampleAt = [Math.floor(nFrames / 4), Math.floor(nFrames / 2), nFrames - 1];

const check = checker(7);
const ctx = {
  unitPath: 'stages[0]',
  unitType: 'text-removal',
  baseDir: process.cwd(),
  clock: systemClock,
  seed: 1,
  logger: { info() {}, warn() {}, debug() {} },
  signal: new AbortController().signal,
  live: false,
  stdout: process.stdout,
  stderr: process.stderr,
  flow: { ready: () => undefined },
  warn: (m: string) => console.error('warning:', m),
};

for (const mode of ['region', 'ocr-only'] as const) {
  let boxes = 0;
  let removed = 0;
  let bmode = 0;
  let changed = 0;
  let ocrMs = 0;
  const misses: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const exam = createPhantomExam({ seed });
    const inputs: FrameEvent[] = [];
    for (let i = 0; i < nFrames; i++) {
      const f = exam.frame(i);
      inputs.push({
        kind: 'frame',
        seq: i,
        ptsMs: f.ptsMs,
        width: f.width,
        height: f.height,
        pixels: f.pixels,
        source: { uri: 'phantom:', examId: exam.examId, frameIndex: i },
        labels: { textBoxes: f.labels.textBoxes },
        meta: mode === 'region' ? { usRegion: f.usRegion } : {},
      });
    }
    const op = await textRemovalStage.build(textRemovalStage.schema.parse({ fill }), ctx);
    const t0 = performance.now();
    const out = (await firstValueFrom(from(inputs as PipelineEvent[]).pipe(op, toArray()))).filter((e): e is FrameEvent => e.kind === 'frame');
    ocrMs += performance.now() - t0;
    for (const k of sampleAt) {
      const before = inputs[k]!;
      const after = out[k]!;
      const textBoxes = before.labels!.textBoxes!;
      for (const box of textBoxes) {
        boxes++;
        const words = (await wordsIn(check, after, box)).filter(hasAlnum).filter((w) => w.confidence >= 0);
        if (words.length === 0) removed++;
        else misses.push(`seed ${seed} frame ${k} box ${box.x},${box.y} ${box.width}x${box.height}`);
      }
      const r = exam.usRegion;
      for (let y = r.y; y < r.y + r.height; y++) {
        for (let x = r.x; x < r.x + r.width; x++) {
          const inText = textBoxes.some((b) => intersectionArea(b, { x, y, width: 1, height: 1 }) > 0);
          if (inText) continue;
          bmode++;
          if (before.pixels[y * before.width + x] !== after.pixels[y * after.width + x]) changed++;
        }
      }
    }
  }
  console.log(
    `${mode}: ${removed}/${boxes} text boxes removed (${((100 * removed) / boxes).toFixed(1)}%), ` +
      `${((100 * changed) / bmode).toFixed(2)}% of B-mode pixels outside text boxes changed, ` +
      `stage wall time ${(ocrMs / seeds / nFrames).toFixed(1)} ms/frame over ${nFrames} frames`,
  );
  for (const m of misses.slice(0, 20)) console.log('  not removed:', m);
}
await check.terminate();
