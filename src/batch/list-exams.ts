/**
 * What `--input` names, as a list of exams: a folder (every DICOM and video file in
 * it, recursively), a glob, a single file, a manifest (.csv / .json, see
 * read-manifest.ts) or a DICOMweb URL (every series QIDO-RS finds; see
 * src/dicomweb/). Several inputs may be given; the exams are sorted by key so
 * reruns walk them in the same order. Keys are the file's path relative to its
 * folder (or the manifest's exam id), so `a.dcm` and `a.mp4` are two exams.
 */
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { InputError } from '../core/errors.js';
import { examKeyFrom, sourceTypeFor, type ExamInput } from './exam-input.js';
import { isManifestPath, readManifest } from './read-manifest.js';

const SCOPE = 'batch:input';

export interface ListExamsOptions {
  /** Resolve relative inputs against this folder (default: the current directory). */
  cwd?: string;
  /** Extra HTTP headers for a DICOMweb input (e.g. Authorization). */
  dicomwebHeaders?: Record<string, string>;
}

export async function listExams(inputs: string[], options: ListExamsOptions = {}): Promise<ExamInput[]> {
  const cwd = options.cwd ?? process.cwd();
  const exams: ExamInput[] = [];
  for (const input of inputs) {
    if (/^https?:\/\//i.test(input)) {
      const { listDicomwebExams } = await import('../dicomweb/list-dicomweb-exams.js');
      exams.push(...(await listDicomwebExams(input, { headers: options.dicomwebHeaders })));
      continue;
    }
    const abs = path.resolve(cwd, input);
    if (fg.isDynamicPattern(input)) exams.push(...fromFiles(fg.sync(input, { cwd, absolute: true, onlyFiles: true }), input));
    else if (!fs.existsSync(abs)) throw new InputError(`${input}: no such file or folder`, { scope: SCOPE });
    else if (fs.statSync(abs).isDirectory()) exams.push(...fromFolder(abs));
    else if (isManifestPath(abs)) exams.push(...readManifest(abs));
    else if (sourceTypeFor(abs)) exams.push({ kind: 'file', key: examKeyFrom(path.basename(abs)), file: abs });
    else throw new InputError(`${input}: not a DICOM or video file, a folder, a glob or a manifest (.csv/.json)`, { scope: SCOPE });
  }
  if (exams.length === 0) throw new InputError(`${inputs.join(', ')}: no exams found (DICOM .dcm/.dicom/.zip or video files)`, { scope: SCOPE });
  const byKey = new Map<string, ExamInput>();
  for (const exam of exams) {
    const other = byKey.get(exam.key);
    if (other && other.kind === 'dicomweb' && exam.kind === 'dicomweb' && other.url === exam.url) continue; // one series named by two selections
    if (other && !(other.kind === 'file' && exam.kind === 'file' && other.file === exam.file)) {
      const hint =
        exam.kind === 'dicomweb' || other.kind === 'dicomweb'
          ? 'a DICOMweb exam id is <study UID>_<series UID>: the same series from two servers (or a file of that name) cannot be in one run; run them separately'
          : 'give each input its own folder, or exam ids in a manifest';
      throw new InputError(`two exams have the id "${exam.key}"`, { scope: SCOPE, hint });
    }
    byKey.set(exam.key, exam);
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function fromFolder(dir: string): ExamInput[] {
  const files = fg.sync('**/*', { cwd: dir, absolute: true, onlyFiles: true }).filter((f) => sourceTypeFor(f) && !f.endsWith('.labels.json'));
  return files.map((file) => ({ kind: 'file' as const, key: examKeyFrom(path.relative(dir, file)), file }));
}

function fromFiles(files: string[], pattern: string): ExamInput[] {
  const media = files.filter((f) => sourceTypeFor(f) && !f.endsWith('.labels.json'));
  if (media.length === 0) throw new InputError(`${pattern}: no DICOM or video files match`, { scope: SCOPE });
  const base = commonDir(media);
  return media.map((file) => ({ kind: 'file' as const, key: examKeyFrom(path.relative(base, file)), file }));
}

function commonDir(files: string[]): string {
  let dir = path.dirname(files[0]!);
  while (!files.every((f) => f.startsWith(dir + path.sep))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}
