/**
 * The labelled exams `autodvt train` and `autodvt eval` read: media files (DICOM cine
 * loops, videos) each with a `<file>.labels.json` sidecar (docs/labels-sidecar.md).
 *
 * A named file must have its sidecar (an input error otherwise); a folder is searched
 * recursively and its files without a sidecar are left out and counted. Every sidecar is
 * validated up front, and every problem is reported at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { InputError } from '../core/errors.js';
import { readLabelsSidecar, sidecarPathFor, type LabelsSidecar } from '../labels/index.js';
import { examIdFor } from '../sources/list-input-files.js';

const DICOM_EXT = /\.(dcm|dicom|dic|zip)$/i;
const VIDEO_EXT = /\.(mp4|m4v|mov|avi|mkv|mpeg|mpg|webm|gif|wmv|ts)$/i;

export type LabelledInputKind = 'dicom-cine' | 'video-file';

export interface LabelledInput {
  /** Absolute path of the media file. */
  file: string;
  kind: LabelledInputKind;
  /** Exam id as the sources name it (the file name without extension). */
  examId: string;
  sidecarPath: string;
  sidecar: LabelsSidecar;
}

export interface CollectedInputs {
  inputs: LabelledInput[];
  /** Media files found in folders that have no labels sidecar (left out). */
  unlabelled: number;
}

export function inputKindOf(file: string): LabelledInputKind | undefined {
  if (DICOM_EXT.test(file)) return 'dicom-cine';
  if (VIDEO_EXT.test(file)) return 'video-file';
  return undefined;
}

export async function collectLabelledInputs(paths: string[], scope: string): Promise<CollectedInputs> {
  const problems: string[] = [];
  const files: string[] = [];
  let unlabelled = 0;
  for (const given of paths) {
    const abs = path.resolve(given);
    if (!fs.existsSync(abs)) {
      problems.push(`${given}: no such file or folder`);
      continue;
    }
    if (fs.statSync(abs).isDirectory()) {
      const media = fg
        .sync('**/*', { cwd: abs, onlyFiles: true, absolute: true })
        .filter((f) => inputKindOf(f) !== undefined)
        .sort();
      const labelled = media.filter((f) => fs.existsSync(sidecarPathFor(f)));
      unlabelled += media.length - labelled.length;
      if (labelled.length === 0) problems.push(`${given}: no media file with a labels sidecar (<file>.labels.json) in this folder`);
      files.push(...labelled);
    } else if (!inputKindOf(abs)) {
      problems.push(`${given}: not a DICOM or video file (by its extension)`);
    } else if (!fs.existsSync(sidecarPathFor(abs))) {
      problems.push(`${given}: no labels sidecar (expected ${path.basename(sidecarPathFor(abs))} beside it; docs/labels-sidecar.md)`);
    } else files.push(abs);
  }
  const unique = [...new Set(files)];
  const inputs: LabelledInput[] = [];
  for (const file of unique) {
    try {
      inputs.push({
        file,
        kind: inputKindOf(file)!,
        examId: examIdFor(file),
        sidecarPath: sidecarPathFor(file),
        sidecar: await readLabelsSidecar(sidecarPathFor(file)),
      });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'), { scope, hint: 'give labelled media files or folders of them (docs/your-own-data.md)' });
  return { inputs, unlabelled };
}
