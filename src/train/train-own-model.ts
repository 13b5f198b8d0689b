/**
 * `autodvt train` as a function: labelled exams in, a deployable model out.
 *
 *   collect the labelled files -> find each one's patient -> split patients 60/20/20
 *   -> preprocess every exam through the pipeline's own stages into a dataset folder
 *   -> training/train_own_data.py (fine-tune the shipped model, or from scratch; resumable;
 *      exports window + streaming forms with metadata and parity references; in-distribution fit)
 *   -> model card `<out stem>.md`.
 *
 * The work folder (default `<out stem>.work/`) keeps the preprocessed parts (reused by
 * content) and a checkpoint per epoch (`--resume`). Progress goes to `progress`, one line
 * at a time; nothing there names a patient.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorDetail, InputError } from '../core/errors.js';
import { buildTrainingSet, type TrainingInputRecord } from './build-training-set.js';
import { collectLabelledInputs } from './labelled-inputs.js';
import { renderModelCard, type ModelCardData, type Table2Row } from './model-card.js';
import { preprocessingFrom } from './preprocessing.js';
import { checkPythonTraining, runTrainingScript } from './python-runner.js';
import { resolvePatients } from './resolve-patients.js';
import { splitPatients } from './split-patients.js';
import { readSubjectManifest } from './subject-manifest.js';
import type { Split } from '../dataset/split-by-subject.js';
import { readModelInfo } from '../model/model-info.js';
import { writeImageFeatures } from './image-features.js';
import type { ImageStatisticsFit } from './model-card.js';

export const SHIPPED_MODEL_FILE = path.resolve(import.meta.dirname, '../../models/autodvt.onnx');
/** Keys the in-memory patient pseudonyms (dicom-patient-pseudonym.ts); they are never written. */
const PATIENT_HMAC_KEY = 'autodvt-train:patient';

export interface TrainOwnModelOptions {
  inputs: string[];
  out: string;
  manifest?: string;
  pipeline?: string;
  fromScratch?: boolean;
  /** Model to fine-tune (default: the shipped models/autodvt.onnx). */
  init?: string;
  epochs: number;
  windowsPerEpoch: number;
  batch: number;
  lr?: number;
  seed: number;
  trainFraction: number;
  valFraction: number;
  workDir?: string;
  resume?: boolean;
  device: 'auto' | 'cpu' | 'cuda';
  threads?: number;
  inDistribution?: boolean;
  /** The command line, for the model card. */
  command: string;
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Clock for the card's date (tests). */
  now?: () => Date;
}

export interface TrainOwnModelResult {
  model: string;
  modelCard: string;
  modelId?: string;
  workDir: string;
  inputs: TrainingInputRecord[];
  unlabelledSkipped: number;
  windows: Partial<Record<Split, number>>;
  test?: Table2Row;
  validation?: Table2Row;
  initialModelOnTest?: { modelId?: string; table2: Table2Row; windows?: number };
  inDistribution: ModelCardData['inDistribution'];
  imageStatistics: ImageStatisticsFit;
  files: string[];
  seconds: number;
}

interface PythonResult {
  exported: { window?: { model_id?: string; path: string }; streaming?: { path: string }; checkpoint: string };
  training: {
    epochs: number;
    epochs_run: number;
    best_epoch: number;
    batch: number;
    windows_per_epoch: number;
    seed: number;
    device: string;
    torch: string;
    train_seconds: number;
    optimizer: { lr: number };
    variant: string;
    data: { windows: Record<Split, number> };
  };
  metrics: {
    test?: { table2: Table2Row; windows?: number; confusion?: { landmark?: number[][]; vein?: number[][] } };
    val?: { table2: Table2Row; windows?: number };
  };
  initialModelOnTest: { model_id?: string; table2: Table2Row; windows?: number } | null;
  inDistribution: { fitted: boolean; reason?: string; threshold?: number };
}

/**
 * Fits the image-statistics score on the training set's frames (train + val patients) and
 * writes it into the exported forms; a failure (one patient only, for instance) is reported,
 * not fatal: the model works without it.
 */
async function fitImageStatistics(
  dataset: string,
  model: string,
  workDir: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<ImageStatisticsFit> {
  const prefix = path.join(workDir, 'image-features');
  try {
    writeImageFeatures(dataset, prefix, (line) => progress(`[image statistics] ${line}`));
    await runTrainingScript({
      script: 'fit_image_statistics.py',
      args: [
        '--model',
        model,
        '--fit',
        prefix,
        '--report',
        `test=${prefix}:test`,
        '--data-note',
        'autodvt train: the labelled exams of the train and val patients',
      ],
      progress: (line) => progress(`[image statistics] ${line}`),
      signal,
    });
    const spec = readModelInfo(model, 'train').imageStatistics;
    if (!spec) return { fitted: false, reason: 'the fit wrote no record' };
    const test = (spec.fitted.heldOut as Record<string, { unknown?: number }> | undefined)?.test?.unknown;
    return { fitted: true, threshold: spec.threshold, ...(test !== undefined ? { testUnknown: test } : {}) };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { fitted: false, reason: errorDetail(err) };
  }
}

export function checkTrainOptions(
  o: Pick<TrainOwnModelOptions, 'out' | 'trainFraction' | 'valFraction' | 'epochs' | 'windowsPerEpoch' | 'batch' | 'fromScratch' | 'init' | 'inputs'>,
): void {
  const problems: string[] = [];
  if (o.inputs.length === 0) problems.push('name at least one labelled file or folder');
  if (!o.out.endsWith('.onnx')) problems.push(`--out ${o.out}: the model path must end in .onnx`);
  if (!(o.trainFraction > 0 && o.valFraction > 0 && o.trainFraction + o.valFraction < 1)) {
    problems.push(`--train ${o.trainFraction} --val ${o.valFraction}: both must be > 0 and leave a share for test (train + val < 1)`);
  }
  if (!Number.isInteger(o.epochs) || o.epochs < 1) problems.push(`--epochs ${o.epochs}: must be a whole number >= 1`);
  if (!Number.isInteger(o.windowsPerEpoch) || o.windowsPerEpoch < 0)
    problems.push(`--windows-per-epoch ${o.windowsPerEpoch}: must be a whole number >= 0 (0 = every window once)`);
  if (!Number.isInteger(o.batch) || o.batch < 2) problems.push(`--batch ${o.batch}: must be a whole number >= 2`);
  if (o.fromScratch && o.init) problems.push('--from-scratch and --init exclude each other');
  if (o.init && !fs.existsSync(o.init)) problems.push(`--init ${o.init}: no such file`);
  if (problems.length) throw new InputError(problems.join('\n'), { scope: 'train' });
}

export async function trainOwnModel(o: TrainOwnModelOptions): Promise<TrainOwnModelResult> {
  const started = Date.now();
  checkTrainOptions(o);
  const { inputs, unlabelled } = await collectLabelledInputs(o.inputs, 'train');
  const manifest = o.manifest ? readSubjectManifest(o.manifest) : undefined;
  const python = checkPythonTraining();
  o.progress(`[train] PyTorch ${python.torch}${python.cuda ? ' with CUDA' : ' on the CPU'}`);
  const patients = await resolvePatients(inputs, manifest, PATIENT_HMAC_KEY);
  const ownPatient = patients.filter((p) => p.source === 'exam').length;
  if (ownPatient > 0) {
    o.progress(
      `[train] warning: ${ownPatient} exam${ownPatient > 1 ? 's have' : ' has'} no patient id (no --manifest row, no sidecar subjectId, no DICOM PatientID): each counts as its own patient`,
    );
  }
  const splits = splitPatients(
    patients.map((p) => p.key),
    { train: o.trainFraction, val: o.valFraction },
    o.seed,
  );
  const preprocessing = preprocessingFrom(o.pipeline);
  const stem = o.out.replace(/\.onnx$/, '');
  const workDir = path.resolve(o.workDir ?? `${stem}.work`);
  fs.mkdirSync(workDir, { recursive: true });
  if (!o.resume) fs.rmSync(path.join(workDir, 'checkpoints'), { recursive: true, force: true });
  const set = await buildTrainingSet({ inputs, patients, splits, preprocessing, workDir, progress: o.progress, signal: o.signal });
  const count = (s: Split) => new Set(set.records.filter((r) => r.split === s).map((r) => r.patient)).size;
  o.progress(
    `[train] ${set.records.length} exams of ${new Set(patients.map((p) => p.key)).size} patients: train ${count('train')}, validation ${count('val')}, test ${count('test')} patients`,
  );

  const init = o.fromScratch ? undefined : path.resolve(o.init ?? SHIPPED_MODEL_FILE);
  const resultFile = path.join(workDir, 'result.json');
  fs.rmSync(resultFile, { force: true });
  await runTrainingScript({
    script: 'train_own_data.py',
    args: [
      '--data',
      set.dir,
      '--out',
      path.resolve(o.out),
      '--work',
      workDir,
      '--result',
      resultFile,
      ...(init ? ['--init', init] : ['--from-scratch']),
      '--epochs',
      String(o.epochs),
      '--windows-per-epoch',
      String(o.windowsPerEpoch),
      '--batch',
      String(o.batch),
      '--seed',
      String(o.seed),
      '--device',
      o.device,
      ...(o.lr !== undefined ? ['--lr', String(o.lr)] : []),
      ...(o.threads ? ['--threads', String(o.threads)] : []),
      ...(o.resume ? ['--resume'] : []),
      ...(o.inDistribution === false ? ['--no-in-distribution'] : []),
    ],
    progress: o.progress,
    signal: o.signal,
  });
  const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as PythonResult;
  const files = [
    o.out,
    `${stem}.streaming.onnx`,
    `${stem}.reference.json`,
    `${stem}.reference.npy`,
    `${stem}.streaming.reference.json`,
    `${stem}.streaming.reference.npy`,
    `${stem}.pt`,
    `${stem}.metrics.json`,
    `${stem}.md`,
  ].filter((f) => f.endsWith('.md') || fs.existsSync(f));
  // The image statistics take seconds and are always fitted; --no-in-distribution skips only the slow model-feature score.
  const imageStatistics = await fitImageStatistics(set.dir, path.resolve(o.out), workDir, o.progress, o.signal);
  const inDistribution: ModelCardData['inDistribution'] = r.inDistribution.fitted
    ? { fitted: true, threshold: r.inDistribution.threshold }
    : { fitted: false, reason: r.inDistribution.reason ?? 'unknown' };
  const t = r.training;
  const card: ModelCardData = {
    modelFile: path.basename(o.out),
    modelId: r.exported.window?.model_id,
    createdAt: (o.now?.() ?? new Date()).toISOString(),
    command: o.command,
    inputs: set.records,
    unlabelledSkipped: unlabelled,
    preprocessing: preprocessing.from,
    start: init ? { fromScratch: false, file: path.basename(init), modelId: r.initialModelOnTest?.model_id } : { fromScratch: true, variant: t.variant },
    settings: {
      epochs: t.epochs,
      epochsRun: t.epochs_run,
      bestEpoch: t.best_epoch,
      windowsPerEpoch: t.windows_per_epoch,
      batch: t.batch,
      lr: t.optimizer.lr,
      seed: t.seed,
      device: t.device,
      torch: t.torch,
      trainSeconds: t.train_seconds,
    },
    windows: t.data.windows,
    test: r.metrics.test,
    val: r.metrics.val,
    initialOnTest: r.initialModelOnTest
      ? { modelId: r.initialModelOnTest.model_id, table2: r.initialModelOnTest.table2, windows: r.initialModelOnTest.windows }
      : undefined,
    inDistribution,
    imageStatistics,
    files: files.map((f) => path.basename(f)),
  };
  const modelCard = `${stem}.md`;
  fs.writeFileSync(modelCard, renderModelCard(card));
  return {
    model: o.out,
    modelCard,
    modelId: card.modelId,
    workDir,
    inputs: set.records,
    unlabelledSkipped: unlabelled,
    windows: t.data.windows,
    test: r.metrics.test?.table2,
    validation: r.metrics.val?.table2,
    initialModelOnTest: card.initialOnTest,
    inDistribution,
    imageStatistics,
    files,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
