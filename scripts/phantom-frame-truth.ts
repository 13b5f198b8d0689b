/**
 * Write the phantom's per-frame geometric truth next to a phantom training dataset
 * (pipelines/phantom-dataset.yaml), for training that weighs windows by what the frame
 * shows: does the vein hold a clot, and how far is it pressed (lumen area / resting area).
 * The frames are not rendered again: the phantom's geometry is cheap to recompute from the
 * subject seed in each exam id (`phantom-<seed>`).
 *
 *   node --import tsx scripts/phantom-frame-truth.ts DATASET [thrombusFraction=0.4]
 *
 * writes DATASET/frame-truth.json:
 *   {"format": "autodvt-phantom-frame-truth", "version": 1, "thrombusFraction": 0.4,
 *    "exams": {"<examId>": {"thrombus": [0|1]*N, "veinAreaRatio": [float]*N}}}
 * (veinAreaRatio is -1 where the view holds no main vein.)
 *
 * The dataset must come from the phantom with the same thrombusFraction (the timeline
 * depends on it): every exam's frame count and `open` labels are checked against the
 * recomputed phantom, and a mismatch is an error that names the exam and the frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPhantomExam } from '../src/phantom/index.js';

export const FRAME_TRUTH_FORMAT = 'autodvt-phantom-frame-truth';

interface DatasetExam {
  examId: string;
  frames: number;
  fps: number;
  open: number[];
}

export interface ExamFrameTruth {
  thrombus: number[];
  veinAreaRatio: number[];
}

/** The per-frame truth of one dataset exam, checked against its labels. */
export function examFrameTruth(exam: DatasetExam, thrombusFraction: number): ExamFrameTruth {
  const m = /^phantom-(\d+)$/.exec(exam.examId);
  if (!m) throw new Error(`exam ${exam.examId}: not a phantom exam id (expected phantom-<seed>)`);
  const phantom = createPhantomExam({ seed: Number(m[1]), fps: Math.round(exam.fps), thrombusFraction, vendorFrame: true });
  if (phantom.frameCount !== exam.frames) {
    throw new Error(
      `exam ${exam.examId}: the dataset has ${exam.frames} frames, the phantom (thrombusFraction ${thrombusFraction}) ${phantom.frameCount}; ` +
        'was it generated with other options?',
    );
  }
  const thrombus: number[] = [];
  const veinAreaRatio: number[] = [];
  for (let i = 0; i < exam.frames; i++) {
    const info = phantom.frameInfo(i);
    const expectedOpen = info.labels.open ? 1 : 0;
    if (exam.open[i] !== -1 && exam.open[i] !== expectedOpen) {
      throw new Error(
        `exam ${exam.examId}, frame ${i}: the dataset labels the vein ${exam.open[i] ? 'open' : 'closed'}, the phantom ${expectedOpen ? 'open' : 'closed'}; ` +
          'was it generated with another thrombusFraction?',
      );
    }
    thrombus.push(info.labels.thrombus ? 1 : 0);
    const { veinAreaPx, veinRestAreaPx } = info.truth;
    veinAreaRatio.push(veinRestAreaPx > 0 ? Math.round((veinAreaPx / veinRestAreaPx) * 1000) / 1000 : -1);
  }
  return { thrombus, veinAreaRatio };
}

export function writeFrameTruth(datasetDir: string, thrombusFraction: number): string {
  const indexPath = path.join(datasetDir, 'index.json');
  const index = JSON.parse(fs.readFileSync(indexPath, 'utf8')) as { format?: string; exams?: DatasetExam[] };
  if (index.format !== 'autodvt-dataset' || !Array.isArray(index.exams)) {
    throw new Error(`${indexPath}: not an autodvt dataset index (format ${JSON.stringify(index.format)})`);
  }
  const exams: Record<string, ExamFrameTruth> = {};
  for (const exam of index.exams) exams[exam.examId] = examFrameTruth(exam, thrombusFraction);
  const out = path.join(datasetDir, 'frame-truth.json');
  fs.writeFileSync(out, JSON.stringify({ format: FRAME_TRUTH_FORMAT, version: 1, thrombusFraction, exams }));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, fraction] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: phantom-frame-truth.ts DATASET [thrombusFraction=0.4]\n');
    process.exit(2);
  }
  const out = writeFrameTruth(dir, Number(fraction ?? 0.4));
  process.stdout.write(`wrote ${out}\n`);
}
