/**
 * Robustness sweep (docs/phantom.md, "Robustness sweep"): held-out phantom exams rendered
 * with one scanner/capture parameter changed at a time (speckle grain, mm per pixel, depth,
 * screen size, gain, noise) and a few changed together, each run through the default
 * pipeline (crop-pad 600, resize 150, onnx-inference in streaming mode with 1 thread,
 * compressibility) and scored against the phantom's labels and truth:
 *
 * - window-level O/C F1 (the mean of the open and closed F1) and the landmark F1s (LM1, LM2,
 *   BG, one-vs-rest), every window labelled by its newest frame (src/evaluation/);
 * - the fraction of windows `inDistribution.unknown`;
 * - verdicts against the phantom's visit truth (scripts/verdict-confusion.ts): clotted
 *   landmarks whose verdict is `compressible` (and single visits called so), and the exam
 *   verdict agreement.
 *
 *   node --import tsx scripts/robustness-sweep.ts [--model models/autodvt.onnx] [--exams N]
 *     [--duration S] [--imaging scanner|classic] [--seed 920000] [--thrombus-fraction 0.2]
 *     [--conditions NAME,NAME|--axis AXIS] [--list] [--json out.json] [--markdown]
 *     [--physical-scale MM_PER_PX]   (a physical-scale stage before crop-pad)
 *     [--field-of-view MM_PER_PX]    (a field-of-view stage, at the model's mm per pixel, instead of crop-pad and resize)
 *
 * Every condition renders the same subjects, `subjectSeed(seed, 0..N-1)` (seed 920000 by
 * default, and never below: seeds from 900000 up are never used for training, and 900000 and
 * 910000 set the in-distribution thresholds), so the rows are paired and a run is repeatable. The table goes to stdout (with --markdown, preceded by the run's settings
 * and the conditions' parameters, ready for docs/phantom.md); progress goes to stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { addPrediction, emptyGroup, f1Scores, table2Of, type GroupConfusion } from '../src/evaluation/grouped-confusions.js';
import { windowPredictionOf } from '../src/evaluation/window-prediction.js';
import { createPhantomExam, DEFAULT_IMAGING, type PhantomImaging, type PhantomOptions } from '../src/phantom/index.js';
import { runPipeline } from '../src/pipeline.js';
import { subjectSeed } from '../src/synth/index.js';
import type { ExamEvent, PipelineEvent, VerdictEvent } from '../src/core/events.js';
import { scoreVerdicts, type VerdictScore } from './verdict-confusion.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The phantom parameters a condition overrides (PhantomOptions; the synthetic source takes the same names). */
export type SweepParams = Pick<PhantomOptions, 'speckleGrainScale' | 'mmPerPxScale' | 'depthMm' | 'width' | 'height' | 'gainDb' | 'noiseGray'>;

export interface Condition {
  name: string;
  /** Which axis it varies (`baseline`, `combined` for several at once). */
  axis: 'baseline' | 'speckle grain' | 'mm per pixel' | 'depth' | 'screen' | 'gain' | 'noise' | 'combined';
  params: SweepParams;
}

/** The sweep: the baseline, each parameter alone at a few levels, and four combinations. */
export const CONDITIONS: Condition[] = [
  { name: 'baseline', axis: 'baseline', params: {} },
  ...[1.5, 2, 3].map((k): Condition => ({ name: `grain x${k}`, axis: 'speckle grain', params: { speckleGrainScale: k } })),
  ...[0.5, 0.7, 1.4, 2].map((k): Condition => ({ name: `mm/px x${k}`, axis: 'mm per pixel', params: { mmPerPxScale: k } })),
  ...[30, 50, 70].map((d): Condition => ({ name: `depth ${d} mm`, axis: 'depth', params: { depthMm: d } })),
  ...(
    [
      [480, 360],
      [640, 480],
      [1280, 720],
      [1920, 1080],
    ] as const
  ).map(([width, height]): Condition => ({ name: `screen ${width}x${height}`, axis: 'screen', params: { width, height } })),
  ...[-10, -5, 5, 10].map((g): Condition => ({ name: `gain ${g > 0 ? '+' : ''}${g} dB`, axis: 'gain', params: { gainDb: g } })),
  ...[8, 16].map((n): Condition => ({ name: `noise ${n}`, axis: 'noise', params: { noiseGray: n } })),
  { name: 'grain x2 + noise 8 + gain -5 dB', axis: 'combined', params: { speckleGrainScale: 2, noiseGray: 8, gainDb: -5 } },
  { name: 'depth 70 mm + screen 480x360 + noise 8', axis: 'combined', params: { depthMm: 70, width: 480, height: 360, noiseGray: 8 } },
  { name: 'screen 1920x1080 + gain +10 dB + grain x1.5', axis: 'combined', params: { width: 1920, height: 1080, gainDb: 10, speckleGrainScale: 1.5 } },
  { name: 'mm/px x0.5 + depth 30 mm + gain -10 dB', axis: 'combined', params: { mmPerPxScale: 0.5, depthMm: 30, gainDb: -10 } },
];

export interface SweepOptions {
  /** Model file (default: the shipped model); its `.streaming.onnx` sibling is what runs. */
  model?: string;
  exams: number;
  /** Exam length in seconds (default: the phantom's 14-20 s per subject). */
  durationS?: number;
  imaging: PhantomImaging;
  seed: number;
  thrombusFraction: number;
  /** Called after each condition (progress). */
  onCondition?: (row: SweepRow, index: number, total: number) => void;
  /** Put a `physical-scale` stage (mm per pixel) before crop-pad. */
  physicalScaleMmPerPx?: number;
  /** Replace crop-pad and resize by a `field-of-view` stage of this output mm per pixel. */
  fieldOfViewMmPerPx?: number;
}

export interface SweepRow {
  condition: string;
  axis: Condition['axis'];
  params: SweepParams;
  exams: number;
  frames: number;
  windows: number;
  f1: { 'O/C': number; LM1: number; LM2: number; BG: number };
  /** Windows `inDistribution.unknown` (undefined when the model has no in-distribution score). */
  unknownFraction: number | undefined;
  verdicts: VerdictScore;
  /** Mean mm per pixel of the screen's B-mode image over the exams (at the screen, before crop-pad and resize). */
  mmPerPx: number;
  /** Landmark and open/closed confusions (rows truth, columns predicted). */
  confusion: { landmark: number[][]; vein: number[][] };
  seconds: number;
}

/** Phantom options of exam `i` of a condition (the synthetic source builds the same). */
function phantomOptions(o: Pick<SweepOptions, 'durationS' | 'imaging' | 'seed' | 'thrombusFraction'>, params: SweepParams, i: number): PhantomOptions {
  return {
    seed: subjectSeed(o.seed, i),
    fps: 30,
    thrombusFraction: o.thrombusFraction,
    vendorFrame: true,
    imaging: o.imaging,
    ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
    ...params,
  };
}

/** Run one condition through the pipeline and score it. */
export async function runCondition(condition: Condition, o: SweepOptions): Promise<SweepRow> {
  const t0 = performance.now();
  const pipeline = {
    source: {
      type: 'synthetic',
      seed: o.seed,
      exams: o.exams,
      thrombusFraction: o.thrombusFraction,
      imaging: o.imaging,
      ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
      ...condition.params,
    },
    stages: [
      ...(o.physicalScaleMmPerPx !== undefined ? [{ type: 'physical-scale', mmPerPx: o.physicalScaleMmPerPx }] : []),
      ...(o.fieldOfViewMmPerPx !== undefined
        ? [{ type: 'field-of-view', size: 150, mmPerPx: o.fieldOfViewMmPerPx }]
        : [
            { type: 'crop-pad', size: 600 },
            { type: 'resize', size: 150 },
          ]),
      { type: 'onnx-inference', mode: 'streaming', threads: 1, ...(o.model ? { model: o.model } : {}) },
      { type: 'compressibility' },
    ],
    sinks: [{ type: 'console', intervalMs: 0, warnings: false }],
  };
  const config = requireValid(parsePipeline(JSON.stringify(pipeline), { env: {}, baseDir: ROOT }));
  const indexOf = new Map<string, number>();
  for (let i = 0; i < o.exams; i++) indexOf.set(`phantom-${subjectSeed(o.seed, i)}`, i);
  const results: (ExamEvent | undefined)[] = Array(o.exams).fill(undefined);
  const visitVerdicts: VerdictEvent[][] = Array.from({ length: o.exams }, () => []);
  const group: GroupConfusion = emptyGroup();
  let frames = 0;
  let scored = 0;
  let unknown = 0;
  const examIndex = (examId: string): number => {
    const i = indexOf.get(examId);
    if (i === undefined) throw new Error(`[robustness-sweep] unexpected exam ${examId}`);
    return i;
  };
  const tap = (e: PipelineEvent): void => {
    if (e.kind === 'frame') frames++;
    else if (e.kind === 'prediction') {
      addPrediction(group, windowPredictionOf(e, examIndex(e.examId)));
      if (e.inDistribution) {
        scored++;
        if (e.inDistribution.unknown) unknown++;
      }
    } else if (e.kind === 'verdict') visitVerdicts[examIndex(e.examId)]!.push(e);
    else if (e.kind === 'exam' && e.verdict !== undefined) results[examIndex(e.examId)] = e;
  };
  await runPipeline(config, { baseDir: ROOT, stdout: { write: () => true }, stderr: { write: () => true }, tap });

  let mmPerPx = 0;
  const truths = results.map((_, i) => {
    const exam = createPhantomExam(phantomOptions(o, condition.params, i));
    mmPerPx += exam.pixelSpacingMm.y / o.exams;
    return exam.truth;
  });
  const f = f1Scores(group);
  const t = table2Of(group);
  return {
    condition: condition.name,
    axis: condition.axis,
    params: condition.params,
    exams: o.exams,
    frames,
    windows: group.windows,
    f1: { 'O/C': f['O/C'], LM1: f.LM1, LM2: f.LM2, BG: f.BG },
    unknownFraction: scored > 0 ? unknown / scored : undefined,
    verdicts: scoreVerdicts(results.map((result, i) => ({ result, visitVerdicts: visitVerdicts[i]!, truth: truths[i]! }))),
    mmPerPx,
    confusion: { landmark: t.landmarkConfusion.matrix, vein: t.veinConfusion.matrix },
    seconds: (performance.now() - t0) / 1000,
  };
}

export async function runSweep(conditions: Condition[], o: SweepOptions): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (const [i, c] of conditions.entries()) {
    const row = await runCondition(c, o);
    rows.push(row);
    o.onCondition?.(row, i, conditions.length);
  }
  return rows;
}

export const TABLE_HEADER = ['condition', 'windows', 'O/C F1', 'LM1 F1', 'LM2 F1', 'BG F1', '% unknown', 'clotted called compressible', 'verdict agreement'];

/** One Markdown row per condition. */
export function sweepTable(rows: SweepRow[]): string {
  const f = (x: number) => x.toFixed(3);
  const lines = [`| ${TABLE_HEADER.join(' | ')} |`, `|${TABLE_HEADER.map(() => ' --- |').join('')}`];
  for (const r of rows) {
    const v = r.verdicts;
    lines.push(
      `| ${[
        r.condition,
        String(r.windows),
        f(r.f1['O/C']),
        f(r.f1.LM1),
        f(r.f1.LM2),
        f(r.f1.BG),
        r.unknownFraction === undefined ? 'n/a' : (100 * r.unknownFraction).toFixed(1),
        `${v.dangerous}/${v.clots} (${v.dangerousVisits} visits)`,
        `${v.agree}/${v.n} = ${(100 * v.agreement).toFixed(0)}%`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The conditions and the phantom parameters each sets. */
export function conditionsTable(conditions: Condition[]): string {
  const lines = ['| condition | axis | phantom / `synthetic` source parameters |', '| --- | --- | --- |'];
  for (const c of conditions) {
    const p = Object.entries(c.params).map(([k, v]) => `\`${k}: ${v}\``);
    lines.push(`| ${c.name} | ${c.axis} | ${p.length ? p.join(', ') : "(the subjects' drawn values)"} |`);
  }
  return lines.join('\n') + '\n';
}

interface Cli extends SweepOptions {
  conditions: Condition[];
  json?: string;
  markdown: boolean;
  list: boolean;
}

export function parseArgs(argv: string[]): Cli {
  const cli: Cli = { exams: 24, imaging: DEFAULT_IMAGING, seed: 920000, thrombusFraction: 0.2, conditions: CONDITIONS, markdown: false, list: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const num = (i: number, name: string, lo: number): number => {
    const v = Number(value(i, name));
    if (!Number.isFinite(v) || v < lo) throw new Error(`${name} must be a number >= ${lo}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--markdown') cli.markdown = true;
    else if (a === '--list') cli.list = true;
    else if (a === '--model') cli.model = value(i++, a);
    else if (a === '--json') cli.json = value(i++, a);
    else if (a === '--physical-scale') cli.physicalScaleMmPerPx = num(i++, a, 0.001);
    else if (a === '--field-of-view') cli.fieldOfViewMmPerPx = num(i++, a, 0.001);
    else if (a === '--exams') cli.exams = Math.round(num(i++, a, 1));
    else if (a === '--duration') cli.durationS = num(i++, a, 1);
    else if (a === '--seed') cli.seed = Math.round(num(i++, a, 920000));
    else if (a === '--thrombus-fraction') cli.thrombusFraction = num(i++, a, 0);
    else if (a === '--imaging') {
      const v = value(i++, a);
      if (v !== 'classic' && v !== 'scanner') throw new Error('--imaging must be classic or scanner');
      cli.imaging = v;
    } else if (a === '--conditions') {
      const names = value(i++, a)
        .split(',')
        .map((s) => s.trim());
      cli.conditions = names.map((n) => {
        const c = CONDITIONS.find((c) => c.name === n);
        if (!c) throw new Error(`unknown condition ${JSON.stringify(n)} (--list shows them)`);
        return c;
      });
    } else if (a === '--axis') {
      const axes = value(i++, a)
        .split(',')
        .map((s) => s.trim());
      cli.conditions = CONDITIONS.filter((c) => axes.includes(c.axis));
      if (cli.conditions.length === 0) throw new Error(`no condition on axis ${axes.join(', ')}`);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (cli.thrombusFraction > 1) throw new Error('--thrombus-fraction must be in 0..1');
  return cli;
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.list) {
    process.stdout.write(conditionsTable(cli.conditions));
    return;
  }
  const t0 = performance.now();
  const rows = await runSweep(cli.conditions, {
    ...cli,
    onCondition: (r, i, n) =>
      process.stderr.write(
        `[${i + 1}/${n}] ${r.condition}: ${r.windows} windows, O/C ${r.f1['O/C'].toFixed(3)}, LM1 ${r.f1.LM1.toFixed(3)}, LM2 ${r.f1.LM2.toFixed(3)}, ` +
          `BG ${r.f1.BG.toFixed(3)}, agreement ${r.verdicts.agree}/${r.verdicts.n}, ${r.seconds.toFixed(0)} s (${(r.frames / r.seconds).toFixed(1)} frames/s)\n`,
      ),
  });
  const seconds = (performance.now() - t0) / 1000;
  const model = cli.model ?? 'models/autodvt.onnx';
  const settings =
    `${cli.exams} held-out exams per condition (subjects subjectSeed(${cli.seed}, 0..${cli.exams - 1}), the same in every row), ` +
    `${cli.durationS !== undefined ? `${cli.durationS} s each` : '14-20 s each'}, ${cli.imaging} look, ${Math.round(100 * cli.thrombusFraction)}% of landmark visits clotted; ` +
    `model ${model} (streaming, 1 thread)` +
    `${cli.physicalScaleMmPerPx !== undefined ? `, frames resampled to ${cli.physicalScaleMmPerPx} mm per pixel first (physical-scale)` : ''}` +
    `${cli.fieldOfViewMmPerPx !== undefined ? `, field-of-view at ${cli.fieldOfViewMmPerPx} mm per model pixel instead of crop-pad and resize` : ''}; ${seconds.toFixed(0)} s in all.`;
  if (cli.markdown) {
    process.stdout.write(`${settings}\n\nConditions:\n\n${conditionsTable(cli.conditions)}\n`);
  }
  process.stdout.write(sweepTable(rows));
  if (!cli.markdown) process.stdout.write(`\n${settings}\n`);
  if (cli.json) {
    const out = {
      format: 'autodvt-robustness-sweep',
      version: 1,
      model,
      imaging: cli.imaging,
      seed: cli.seed,
      exams: cli.exams,
      durationS: cli.durationS ?? null,
      thrombusFraction: cli.thrombusFraction,
      physicalScaleMmPerPx: cli.physicalScaleMmPerPx ?? null,
      fieldOfViewMmPerPx: cli.fieldOfViewMmPerPx ?? null,
      seconds,
      rows,
    };
    fs.writeFileSync(cli.json, JSON.stringify(out, null, 2) + '\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
