/**
 * A subject manifest: a CSV that says which patient each exam belongs to, for data
 * whose DICOM headers carry no usable PatientID (videos, anonymised exports).
 *
 *   file,subject
 *   exams/a.dcm,P01
 *   exams/b.mp4,P01
 *
 * Columns (case, spaces, `_` and `-` ignored): `file` (alias `path`; relative paths
 * resolve against the manifest's folder) and `subject` (aliases `patient`,
 * `subject_id`, `patient_id`). Other columns are ignored. Every problem is reported at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../batch/read-manifest.js';
import { InputError } from '../core/errors.js';

const SCOPE = 'train:manifest';

/** Absolute media path -> subject pseudonym. */
export function readSubjectManifest(file: string): Map<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read the manifest (${(err as Error).message})`, { scope: SCOPE });
  }
  const records = parseCsv(text).filter((r) => r.some((f) => f.trim() !== '') && !r[0]!.trim().startsWith('#'));
  if (records.length === 0) throw new InputError(`${file}: the manifest is empty (expected a header row: file,subject)`, { scope: SCOPE });
  const header = records[0]!.map((h) => h.toLowerCase().replace(/[\s_-]/g, ''));
  const fileCol = header.findIndex((h) => h === 'file' || h === 'path');
  const subjectCol = header.findIndex((h) => ['subject', 'patient', 'subjectid', 'patientid'].includes(h));
  const problems: string[] = [];
  if (fileCol < 0) problems.push(`${file}:1: no "file" column in the header (${records[0]!.join(',')})`);
  if (subjectCol < 0) problems.push(`${file}:1: no "subject" column in the header (${records[0]!.join(',')})`);
  if (problems.length) throw new InputError(problems.join('\n'), { scope: SCOPE });
  const dir = path.dirname(path.resolve(file));
  const out = new Map<string, string>();
  records.slice(1).forEach((r, i) => {
    const media = r[fileCol]?.trim();
    const subject = r[subjectCol]?.trim();
    const row = i + 2;
    if (!media) problems.push(`${file}:${row}: empty "file"`);
    else if (!subject) problems.push(`${file}:${row}: empty "subject" for ${media}`);
    else {
      const abs = path.resolve(dir, media);
      if (out.has(abs) && out.get(abs) !== subject) problems.push(`${file}:${row}: ${media} is listed twice with different subjects`);
      out.set(abs, subject);
    }
  });
  if (problems.length) throw new InputError(problems.join('\n'), { scope: SCOPE });
  return out;
}
