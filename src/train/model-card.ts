/**
 * The model card `autodvt train` writes beside the model (`<out>.md`): what the model
 * was trained on (every input file by name and sha256, patients, splits), how (start
 * point, settings, device, time), and how well it does on held-out patients, in the
 * paper's Table 2 layout (F1 of O/C, LM1, LM2, BG), next to the model it started from
 * on the same test windows. Pure: data in, Markdown out.
 */
import type { Split } from '../dataset/split-by-subject.js';
import type { TrainingInputRecord } from './build-training-set.js';

export type Table2Row = Partial<Record<'O/C' | 'open' | 'closed' | 'LM1' | 'LM2' | 'BG', number>>;

export interface ModelCardData {
  modelFile: string;
  modelId?: string;
  createdAt: string;
  command: string;
  inputs: TrainingInputRecord[];
  unlabelledSkipped: number;
  preprocessing: string;
  start: { fromScratch: true; variant: string } | { fromScratch: false; file: string; modelId?: string };
  settings: {
    epochs: number;
    epochsRun: number;
    bestEpoch: number;
    windowsPerEpoch: number;
    batch: number;
    lr: number;
    seed: number;
    device: string;
    torch: string;
    trainSeconds: number;
  };
  windows: Partial<Record<Split, number>>;
  test?: { table2: Table2Row; windows?: number; confusion?: { landmark?: number[][]; vein?: number[][] } };
  val?: { table2: Table2Row; windows?: number };
  initialOnTest?: { modelId?: string; table2: Table2Row; windows?: number };
  inDistribution: { fitted: true; threshold?: number } | { fitted: false; reason: string };
  /** The image-statistics score (training/fit_image_statistics.py); absent on cards made before it existed. */
  imageStatistics?: ImageStatisticsFit;
  files: string[];
}

export type ImageStatisticsFit = { fitted: true; threshold: number; testUnknown?: number } | { fitted: false; reason: string };

const COLUMNS = ['O/C', 'LM1', 'LM2', 'BG'] as const;
const SPLITS: Split[] = ['train', 'val', 'test'];

function f1(v: number | undefined): string {
  return v === undefined ? '–' : v.toFixed(3);
}

export function table2Row(name: string, row: Table2Row | undefined, windows?: number): string {
  return `| ${name} | ${COLUMNS.map((c) => f1(row?.[c])).join(' | ')} | ${windows ?? '–'} |`;
}

function splitTable(inputs: TrainingInputRecord[], windows: ModelCardData['windows']): string[] {
  const lines = ['| split | patients | exams | frames | windows |', '| --- | --- | --- | --- | --- |'];
  for (const s of SPLITS) {
    const rows = inputs.filter((r) => r.split === s);
    lines.push(`| ${s} | ${new Set(rows.map((r) => r.patient)).size} | ${rows.length} | ${rows.reduce((a, r) => a + r.frames, 0)} | ${windows[s] ?? 0} |`);
  }
  return lines;
}

function confusion(title: string, classes: string[], m: number[][] | undefined): string[] {
  if (!m) return [];
  return [
    '',
    `${title} (rows: truth, columns: predicted)`,
    '',
    `| | ${classes.join(' | ')} |`,
    `| --- |${' --- |'.repeat(classes.length)}`,
    ...m.map((row, i) => `| ${classes[i]} | ${row.join(' | ')} |`),
  ];
}

export function renderModelCard(d: ModelCardData): string {
  const start = d.start.fromScratch
    ? `trained from scratch (variant ${d.start.variant})`
    : `fine-tuned from \`${d.start.file}\`${d.start.modelId ? ` (${d.start.modelId})` : ''}`;
  const patientSources = [...new Set(d.inputs.map((r) => r.patientFrom))].join(', ');
  const s = d.settings;
  const lines = [
    `# Model card: \`${d.modelFile}\``,
    '',
    '> **Research software, not a medical device.** This model was trained by `autodvt train` on',
    '> the labelled exams listed below. Its numbers hold for patients like the held-out ones',
    '> here, on the same scanners and settings; they say nothing about other data.',
    '',
    `- Model id: \`${d.modelId ?? 'unknown'}\``,
    `- Made: ${d.createdAt}, ${start}`,
    `- Command: \`${d.command}\``,
    `- Preprocessing: ${d.preprocessing}`,
    '',
    '## Held-out results (test patients)',
    '',
    "F1 per class on 9-frame windows labelled by their newest frame, in the paper's Table 2 layout",
    '(O/C = mean F1 of open and closed).',
    '',
    '| model | O/C | LM1 | LM2 | BG | windows |',
    '| --- | --- | --- | --- | --- | --- |',
    table2Row('this model (test)', d.test?.table2, d.test?.windows),
    ...(d.initialOnTest
      ? [
          table2Row(
            `start model${d.initialOnTest.modelId ? ` ${d.initialOnTest.modelId}` : ''} (same test windows)`,
            d.initialOnTest.table2,
            d.initialOnTest.windows,
          ),
        ]
      : []),
    table2Row('this model (validation, best epoch)', d.val?.table2, d.val?.windows),
    ...(d.test ? [] : ['', 'No test windows: the test split holds no labelled window, so there is no held-out result.']),
    ...confusion('Landmark confusion, test', ['BG', 'LM1', 'LM2'], d.test?.confusion?.landmark),
    ...confusion('Vein confusion, test', ['open', 'closed'], d.test?.confusion?.vein),
    '',
    'Compare models on more exams with `autodvt eval <files> --compare A.onnx B.onnx` (paired bootstrap CI).',
    '',
    '## Data',
    '',
    `${d.inputs.length} labelled exams of ${new Set(d.inputs.map((r) => r.patient)).size} patients (patients from: ${patientSources}), split by patient${d.unlabelledSkipped ? `; ${d.unlabelledSkipped} media files without a labels sidecar were left out` : ''}.`,
    '',
    ...splitTable(d.inputs, d.windows),
    '',
    '| file | sha256 | labels sha256 | patient | split | frames | labelled windows |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...d.inputs.map(
      (r) => `| ${r.name} | \`${r.sha256}\` | \`${r.labelsSha256.slice(0, 16)}…\` | ${r.patient} | ${r.split} | ${r.frames} | ${r.labelledWindows} |`,
    ),
    '',
    '## Training',
    '',
    `- Epochs: ${s.epochsRun} of ${s.epochs} run, best validation epoch ${s.bestEpoch + 1} kept; ${s.windowsPerEpoch} windows per epoch, batch ${s.batch}, Adam lr ${s.lr}, seed ${s.seed}`,
    `- Device: ${s.device}, torch ${s.torch}, ${s.trainSeconds.toFixed(0)} s of training`,
    `- In-distribution score: ${d.inDistribution.fitted ? `fitted (threshold ${d.inDistribution.threshold?.toFixed(2) ?? '?'}; training/fit_in_distribution.py)` : `not fitted: ${d.inDistribution.reason}`}`,
    ...(d.imageStatistics ? [`- Image statistics: ${imageStatisticsLine(d.imageStatistics)}`] : []),
    '',
    '## Files',
    '',
    ...d.files.map((f) => `- \`${f}\``),
    '',
    'Deploy: set `model:` of the `onnx-inference` stage to this file; nothing else in the pipeline changes.',
    '',
  ];
  return lines.join('\n');
}

function imageStatisticsLine(s: ImageStatisticsFit): string {
  if (!s.fitted) return `not fitted: ${s.reason}`;
  const test = s.testUnknown === undefined ? '' : `, ${(s.testUnknown * 100).toFixed(1)}% of the test split's frames above it`;
  return `fitted (threshold ${s.threshold.toFixed(2)}${test}; training/fit_image_statistics.py)`;
}
