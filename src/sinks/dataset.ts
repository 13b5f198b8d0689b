/**
 * dataset — write what the model consumes, for training: the preprocessed frames of
 * each exam as a uint8 .npy [N, H, W] and their labels, plus an index split by subject.
 *
 * Consumes: `frame` events (after crop-pad and resize; all the same size), with labels.
 * Emits:    nothing (a sink).
 * Parameters:
 *   path       output folder (relative to the pipeline file)
 *   train, val  fractions of subjects for training and validation (0.6, 0.2); the
 *              rest is the test split
 * Output (read by training/autodvt/data.py; see docs/dataset-format.md):
 *   index.json        {format: "autodvt-dataset", version: 1, frameSize: [H, W], exams: [
 *                       {examId, subjectId, split, file, frames, fps, landmark: [..], open: [..]}]}
 *                     landmark codes BG=0 LM1=1 LM2=2, open 1 / closed 0, -1 = no label
 *   frames/<exam>.npy uint8 [N, H, W]
 * Notes: index.json is written atomically when the stream ends (also when it fails,
 *   listing the exams completed so far). Put text-removal upstream for real exams.
 *
 * ```yaml
 * - type: dataset
 *   path: out/dataset
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { InputError } from '../core/errors.js';
import { NpyFrameWriter } from '../dataset/npy-writer.js';
import { splitBySubject } from '../dataset/split-by-subject.js';
import { defineSink } from '../core/unit.js';
import { sinkOperator } from './sink-operator.js';
import type { FrameEvent, Landmark } from '../core/events.js';

export const DATASET_FORMAT = 'autodvt-dataset';
export const DATASET_VERSION = 1;
const LANDMARK_CODE: Record<Landmark, number> = { BG: 0, LM1: 1, LM2: 2 };

const schema = z
  .object({
    path: z.string().min(1).describe('Output folder, relative to the pipeline file.'),
    train: z.number().min(0).max(1).default(0.6).describe('Fraction of subjects in the training split.'),
    val: z.number().min(0).max(1).default(0.2).describe('Fraction of subjects in the validation split (the rest is test).'),
  })
  .strict();

export interface DatasetExam {
  examId: string;
  subjectId: string;
  split: 'train' | 'val' | 'test';
  file: string;
  frames: number;
  fps: number;
  landmark: number[];
  open: number[];
}

export const datasetSink = defineSink({
  type: 'dataset',
  events: { needs: ['frame'] },
  summary: 'Write preprocessed frames (.npy) and labels split by subject, for training.',
  schema,
  perExam: { paths: ['path'] },
  persistent: true,
  example: { type: 'dataset', path: 'out/dataset' },
  async check(config, _ctx, upstream) {
    if (config.train + config.val > 1) return { problems: [{ path: 'val', message: 'train + val must not exceed 1' }] };
    if (!upstream.frameSize)
      return { problems: [{ message: 'frame size is not fixed upstream: put crop-pad and resize before dataset', severity: 'warning' }] };
    return {};
  },
  build(config, ctx) {
    const dir = resolvePath(ctx, config.path);
    return sinkOperator(() => {
      fs.mkdirSync(path.join(dir, 'frames'), { recursive: true });
      const done: Omit<DatasetExam, 'split'>[] = [];
      let current: { exam: Omit<DatasetExam, 'split'>; writer: NpyFrameWriter; firstPts?: number; lastPts?: number } | undefined;
      let frameSize: [number, number] | undefined;

      const finishExam = () => {
        if (!current) return;
        current.writer.close();
        const { exam, firstPts, lastPts } = current;
        exam.frames = current.writer.frames;
        if (exam.frames > 1 && firstPts !== undefined && lastPts !== undefined && lastPts > firstPts) {
          exam.fps = ((exam.frames - 1) * 1000) / (lastPts - firstPts);
        }
        done.push(exam);
        current = undefined;
      };
      const startExam = (frame: FrameEvent) => {
        finishExam();
        const safe = frame.source.examId.replace(/[^A-Za-z0-9._-]/g, '_');
        const file = `frames/${safe}.npy`;
        current = {
          exam: { examId: frame.source.examId, subjectId: frame.source.subjectId ?? frame.source.examId, file, frames: 0, fps: 30, landmark: [], open: [] },
          writer: new NpyFrameWriter(path.join(dir, file), [frame.height, frame.width]),
        };
      };
      const writeIndex = () => {
        const splits = splitBySubject(
          done.map((e) => e.subjectId),
          { train: config.train, val: config.val },
          ctx.seed,
        );
        const index = {
          format: DATASET_FORMAT,
          version: DATASET_VERSION,
          frameSize: frameSize ?? [0, 0],
          landmarkCodes: LANDMARK_CODE,
          openCodes: { open: 1, closed: 0, missing: -1 },
          exams: done.map((e) => ({ ...e, split: splits.get(e.subjectId)! })),
        };
        const tmp = path.join(dir, `index.json.tmp-${process.pid}`);
        fs.writeFileSync(tmp, JSON.stringify(index));
        fs.renameSync(tmp, path.join(dir, 'index.json'));
      };
      return {
        write(event) {
          if (event.kind === 'exam') {
            if (current?.exam.examId === event.examId) finishExam();
            return;
          }
          if (event.kind !== 'frame') return;
          if (!frameSize) frameSize = [event.height, event.width];
          if (event.height !== frameSize[0] || event.width !== frameSize[1]) {
            throw new InputError(
              `frame ${event.seq} of ${event.source.examId} is ${event.width}x${event.height}, the dataset holds ${frameSize[1]}x${frameSize[0]}: resize before the dataset sink`,
              { scope: 'sink:dataset' },
            );
          }
          if (!current || current.exam.examId !== event.source.examId) startExam(event);
          const c = current!;
          c.writer.append(event.pixels);
          c.firstPts ??= event.ptsMs;
          c.lastPts = event.ptsMs;
          c.exam.landmark.push(event.labels?.landmark ? LANDMARK_CODE[event.labels.landmark] : -1);
          c.exam.open.push(event.labels?.open === undefined ? -1 : event.labels.open ? 1 : 0);
        },
        close() {
          finishExam();
          writeIndex();
        },
      };
    });
  },
});
