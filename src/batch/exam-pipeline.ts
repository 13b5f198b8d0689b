/**
 * The pipeline one exam runs: the pipeline file's, with its source pointed at the
 * exam and its sinks writing into the exam's folder of the run directory.
 *
 * Source: `dicom-cine` for .dcm/.dicom/.zip, `video-file` for videos (whatever type
 *   the file declares), `dicomweb` for a PACS series. Keys of the declared source that
 *   the chosen type also has (labels, realtime, ...) carry over; `onError` is always
 *   `fail`, so an unreadable exam becomes a failed result instead of a short one.
 *   A file whose name a glob would misread, or whose labels live elsewhere (manifest),
 *   is reached through a symlink in `<run-dir>/links/<key>/` next to its labels.
 * Sinks: the pipeline's own, each file or folder they write moved under `sinksDir`
 *   (exam-sinks.ts; the console and hud sinks are left out), plus one quiet `evaluate`
 *   sink (prints and writes nothing) that keeps the run going to the end even when
 *   no other sink is left; the runner reads results from the events directly.
 * Threads: with several exams at once, an inference stage that has a session per exam
 *   (streaming mode, or sharing turned off) and is left at `threads: 0` gets an equal
 *   share of the cores. A window-mode stage shares one session across the exams and
 *   keeps onnxruntime's default (results do not change; the hash ignores threads).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fg from 'fast-glob';
import { unitSchemaWithType } from '../core/config/pipeline-schema.js';
import { InputError } from '../core/errors.js';
import { findUnit } from '../core/registry.js';
import { sourceTypeFor, type ExamInput } from './exam-input.js';
import { examSinks } from './exam-sinks.js';
import type { PipelineConfig, UnitConfig } from '../core/config/pipeline-schema.js';

export interface ExamPipelineOptions {
  /** Where symlinks for awkward names and manifest labels go. */
  linksDir: string;
  /** Exams running at once in this process. */
  concurrency: number;
  /** Extra keys for a dicomweb source (e.g. headers). */
  dicomweb?: Record<string, unknown>;
  /** The exam's folder for what the pipeline's sinks write (`<run-dir>/exams/<key>`). */
  sinksDir: string;
  /** Window-mode inference goes through the run's shared service (one session for every exam). */
  sharedInference?: boolean;
}

export function examPipelineConfig(base: PipelineConfig, exam: ExamInput, opts: ExamPipelineOptions): PipelineConfig {
  return {
    ...base,
    source: examSource(base.source, exam, opts),
    stages: base.stages.map((s) => shareThreads(s, opts)),
    // The evaluate sink is the quietest registered sink: it keeps the run alive to its end.
    sinks: [...examSinks(base.sinks, opts.sinksDir), { type: 'evaluate', print: false, title: 'batch' }],
  };
}

function examSource(declared: UnitConfig, exam: ExamInput, opts: ExamPipelineOptions): UnitConfig {
  if (exam.kind === 'dicomweb') {
    const carried = declared.type === 'dicomweb' ? pick(declared, 'dicomweb') : {};
    return parseSource('dicomweb', {
      ...carried,
      ...opts.dicomweb,
      url: exam.url,
      studies: [exam.studyUid],
      ...(exam.seriesUid ? { series: [exam.seriesUid] } : {}),
      onError: 'fail',
    });
  }
  const type = sourceTypeFor(exam.file);
  if (!type) throw new InputError(`${exam.file}: not a DICOM or video file`, { scope: 'batch' });
  const carried = declared.type === type ? { ...declared } : pick(declared, type);
  return parseSource(type, { ...carried, path: mediaPathFor(exam, opts.linksDir), onError: 'fail' });
}

/** The keys of `config` that the source `type` also declares. */
function pick(config: UnitConfig, type: string): Record<string, unknown> {
  const unit = findUnit('source', type);
  const known = new Set(Object.keys(unit?.schema.shape ?? {}));
  return Object.fromEntries(Object.entries(config).filter(([k]) => known.has(k) && k !== 'path'));
}

function parseSource(type: string, config: Record<string, unknown>): UnitConfig {
  const unit = findUnit('source', type);
  if (!unit) throw new InputError(`source type ${type} is not registered`, { scope: 'batch' });
  const { type: _t, id: _id, ...rest } = config;
  return unitSchemaWithType(unit).parse({ ...rest, type }) as UnitConfig;
}

function mediaPathFor(exam: Extract<ExamInput, { kind: 'file' }>, linksDir: string): string {
  const awkward = fg.isDynamicPattern(exam.file);
  if (!awkward && !exam.labels) return exam.file;
  const dir = path.join(linksDir, exam.key);
  fs.mkdirSync(dir, { recursive: true });
  const name = path.basename(exam.file).replace(/[^A-Za-z0-9._-]/g, '_');
  const link = path.join(dir, name);
  relink(exam.file, link);
  if (exam.labels) relink(exam.labels, `${link}.labels.json`);
  return link;
}

function relink(target: string, link: string): void {
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link);
}

function shareThreads(stage: UnitConfig, opts: ExamPipelineOptions): UnitConfig {
  if (stage.type !== 'onnx-inference' || opts.concurrency <= 1 || (stage.threads ?? 0) !== 0) return stage;
  if (opts.sharedInference && stage.mode !== 'streaming') return stage; // one session for all: all the cores
  return { ...stage, threads: Math.max(1, Math.floor(os.availableParallelism() / opts.concurrency)) };
}
