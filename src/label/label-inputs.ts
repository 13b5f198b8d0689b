/**
 * What `autodvt label` was given, as a list of loops and the settings to read them:
 * a DICOM or video file, a folder of them (searched recursively), or a pipeline file
 * whose `dicom-cine` / `video-file` source names the loops and whose `text-removal`
 * stage (when it has one) decides how burned-in text is removed, and whose stages up
 * to its onnx-inference make the pre-labels. Loop ids are their
 * index in the sorted list: the server serves these loops and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listExams } from '../batch/list-exams.js';
import { stageAdds } from '../core/config/event-flow.js';
import { loadPipelineFile, requireValid } from '../core/config/load-pipeline.js';
import { InputError, UnsupportedError } from '../core/errors.js';
import { DEFAULT_PRELABEL_STAGES } from './loop-predictions.js';

export interface LabelLoop {
  /** Index in the list; the page and the API name the loop by it. */
  id: number;
  /** Absolute path of the media file. */
  file: string;
  /** The path shown on the page (relative to the folder given). */
  name: string;
}

export interface LabelInputs {
  loops: LabelLoop[];
  /** The text-removal stage the frames go through. */
  textRemoval: Record<string, unknown>;
  /** Relative paths in `textRemoval` and `prelabelStages` resolve against this folder. */
  baseDir: string;
  /**
   * The stages that turn text-removed frames into predictions (pre-labels): a
   * pipeline file's own, up to its onnx-inference; undefined when it has none
   * (a file or folder gets the default preprocessing and the shipped model).
   */
  prelabelStages?: Record<string, unknown>[];
}

const SCOPE = 'label';
const DEFAULT_TEXT_REMOVAL = { type: 'text-removal' };

function isPipelineFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

export async function resolveLabelInputs(input: string, cwd = process.cwd()): Promise<LabelInputs> {
  const abs = path.resolve(cwd, input);
  if (!fs.existsSync(abs)) throw new InputError(`${input}: no such file or folder`, { scope: SCOPE });
  if (isPipelineFile(abs)) return fromPipeline(abs);
  return { loops: await loopsOf(abs, input), textRemoval: DEFAULT_TEXT_REMOVAL, baseDir: cwd, prelabelStages: DEFAULT_PRELABEL_STAGES };
}

async function loopsOf(abs: string, shownAs: string): Promise<LabelLoop[]> {
  const exams = await listExams([abs]);
  const root = fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
  return exams.map((exam, id) => {
    if (exam.kind !== 'file') throw new UnsupportedError(`${shownAs}: DICOMweb inputs in the labeller (download the series first)`, { scope: SCOPE });
    return { id, file: exam.file, name: path.relative(root, exam.file) };
  });
}

async function fromPipeline(file: string): Promise<LabelInputs> {
  const loaded = loadPipelineFile(file, { env: process.env });
  const config = requireValid(loaded);
  const source = config.source as { type: string; path?: string };
  if (source.type === 'dicomweb') {
    throw new UnsupportedError(`${file}: the dicomweb source in the labeller (download the series to a folder and label that)`, { scope: SCOPE });
  }
  if ((source.type !== 'dicom-cine' && source.type !== 'video-file') || !source.path) {
    throw new InputError(`${file}: source.type is ${source.type}; the labeller reads loops from a dicom-cine or video-file source`, { scope: SCOPE });
  }
  const textRemoval = config.stages.find((s) => s.type === 'text-removal');
  const { id: _id, ...stage } = (textRemoval ?? DEFAULT_TEXT_REMOVAL) as Record<string, unknown>;
  const inference = config.stages.findIndex((s) => stageAdds(s, 'prediction'));
  const prelabelStages =
    inference < 0
      ? undefined
      : (config.stages.slice(0, inference + 1).filter((s) => s.type !== 'text-removal' && s.type !== 'saliency') as Record<string, unknown>[]);
  return { loops: await loopsOf(path.resolve(loaded.baseDir, source.path), source.path), textRemoval: stage, baseDir: loaded.baseDir, prelabelStages };
}
