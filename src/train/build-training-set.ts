/**
 * Build the training set of `autodvt train`: every labelled exam goes through the
 * pipeline's own preprocessing into the `dataset` sink (as pipelines/phantom-dataset.yaml
 * does), one exam at a time into its own part folder, cached by content (the media
 * file's and sidecar's sha256 and the preprocessing), so a resumed or repeated run
 * reuses what was already done. The parts are then gathered into one dataset folder
 * whose splits are the patients' (split-patients.ts), never the sink's own.
 *
 * Output: `<work>/dataset/{index.json, frames/*.npy}`, the format of docs/dataset-format.md;
 * subject ids there are the `patient-NNN` labels, never a PatientID.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { fileSha256 } from './file-sha256.js';
import { runInputPipeline } from './run-input-pipeline.js';
import type { Split } from '../dataset/split-by-subject.js';
import type { DatasetExam } from '../sinks/dataset.js';
import type { LabelledInput } from './labelled-inputs.js';
import type { PatientOfInput } from './resolve-patients.js';
import type { Preprocessing } from './preprocessing.js';

/** What the model card and --json say about one input file. */
export interface TrainingInputRecord {
  /** The file's name (no folders: they may hold names). */
  name: string;
  sha256: string;
  labelsSha256: string;
  patient: string;
  patientFrom: PatientOfInput['source'];
  split: Split;
  frames: number;
  /** Windows with a label for at least one task (9 frames, labelled by the newest). */
  labelledWindows: number;
  examId: string;
}

export interface BuildTrainingSetOptions {
  inputs: LabelledInput[];
  patients: PatientOfInput[];
  splits: Map<string, Split>;
  preprocessing: Preprocessing;
  workDir: string;
  progress: (line: string) => void;
  stderr?: { write(text: string): unknown };
  signal?: AbortSignal;
}

export interface TrainingSet {
  dir: string;
  records: TrainingInputRecord[];
}

const WINDOW = 9;

export async function buildTrainingSet(o: BuildTrainingSetOptions): Promise<TrainingSet> {
  const dir = path.join(o.workDir, 'dataset');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'frames'), { recursive: true });
  const exams: DatasetExam[] = [];
  const records: TrainingInputRecord[] = [];
  const usedIds = new Set<string>();
  for (const [i, input] of o.inputs.entries()) {
    const sha256 = await fileSha256(input.file);
    const labelsSha256 = await fileSha256(input.sidecarPath);
    const partKey = crypto.createHash('sha256').update(`${sha256}:${labelsSha256}:${o.preprocessing.hash}`).digest('hex').slice(0, 24);
    const partDir = path.join(o.workDir, 'parts', partKey);
    const cached = fs.existsSync(path.join(partDir, 'index.json'));
    o.progress(`[train] preprocessing ${i + 1}/${o.inputs.length} ${input.examId}${cached ? ' (cached)' : ''}`);
    if (!cached) {
      const tmp = `${partDir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      await runInputPipeline({
        input,
        preprocessing: o.preprocessing,
        sinks: [{ type: 'dataset', path: tmp, train: 1, val: 0 }],
        stderr: o.stderr,
        signal: o.signal,
      });
      if (o.signal?.aborted) throw new InputError('interrupted while preprocessing', { scope: 'train' });
      fs.rmSync(partDir, { recursive: true, force: true });
      fs.renameSync(tmp, partDir);
    }
    const part = JSON.parse(fs.readFileSync(path.join(partDir, 'index.json'), 'utf8')) as { exams: DatasetExam[]; frameSize: number[] };
    if (part.frameSize[0] !== 150 || part.frameSize[1] !== 150) {
      throw new InputError(
        `${input.examId}: the preprocessing gives ${part.frameSize[1]}x${part.frameSize[0]} frames; the model takes 150x150 (${o.preprocessing.from})`,
        { scope: 'train' },
      );
    }
    const exam = part.exams[0];
    if (part.exams.length !== 1 || !exam) throw new InputError(`${input.file}: preprocessing gave ${part.exams.length} exams, expected 1`, { scope: 'train' });
    let examId = input.examId;
    for (let k = 2; usedIds.has(examId); k++) examId = `${input.examId}-${k}`;
    usedIds.add(examId);
    const file = `frames/${examId.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`;
    fs.copyFileSync(path.join(partDir, exam.file), path.join(dir, file));
    const patient = o.patients[i]!;
    const split = o.splits.get(patient.key)!;
    exams.push({ ...exam, examId, subjectId: patient.label, split, file });
    records.push({
      name: path.basename(input.file),
      sha256,
      labelsSha256,
      patient: patient.label,
      patientFrom: patient.source,
      split,
      frames: exam.frames,
      labelledWindows: labelledWindows(exam),
      examId,
    });
  }
  const index = {
    format: 'autodvt-dataset',
    version: 1,
    frameSize: [150, 150],
    landmarkCodes: { BG: 0, LM1: 1, LM2: 2 },
    openCodes: { open: 1, closed: 0, missing: -1 },
    generator: { tool: 'autodvt train', preprocessing: o.preprocessing.from, split: 'by patient' },
    exams,
  };
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  return { dir, records };
}

export function labelledWindows(exam: Pick<DatasetExam, 'landmark' | 'open' | 'frames'>): number {
  let n = 0;
  for (let e = WINDOW - 1; e < exam.frames; e++) if ((exam.landmark[e] ?? -1) >= 0 || (exam.open[e] ?? -1) >= 0) n++;
  return n;
}
