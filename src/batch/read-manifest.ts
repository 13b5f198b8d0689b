/**
 * A manifest lists the exams of a run, one per row, when a folder or glob is not
 * enough (exams spread over several places, labels kept elsewhere, chosen ids).
 *
 * CSV (header row required; `#` lines are comments; fields may be "quoted"):
 *   exam_id,file,labels
 *   s001-left,/archive/2019/s001/left.dcm,/labels/s001-left.labels.json
 *   s002,videos/s002.mp4,
 * JSON: an array of rows, or `{ "exams": [...] }`:
 *   [{ "examId": "s001-left", "file": "/archive/s001/left.dcm", "labels": "..." },
 *    { "examId": "pacs-1", "dicomweb": "http://pacs/dicom-web", "study": "1.2.3", "series": "1.2.3.4" }]
 *
 * Columns / keys (case and `_`/`-` ignored): `exam_id` (optional: defaults to the file's
 * path relative to the manifest), `file` (alias `path`, `files` with one entry), `labels`
 * (optional sidecar path), `dicomweb` + `study` (+ `series`) for an exam on a PACS.
 * Relative paths resolve against the manifest's folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { examKeyFrom, type ExamInput } from './exam-input.js';

const SCOPE = 'batch:manifest';

export function isManifestPath(input: string): boolean {
  return /\.(csv|json)$/i.test(input) && fs.existsSync(input) && fs.statSync(input).isFile();
}

export function readManifest(file: string): ExamInput[] {
  const text = fs.readFileSync(file, 'utf8');
  const rows = /\.json$/i.test(file) ? jsonRows(text, file) : csvRows(text, file);
  const dir = path.dirname(path.resolve(file));
  const exams: ExamInput[] = [];
  const problems: string[] = [];
  rows.forEach(({ row, where }) => {
    try {
      exams.push(examFromRow(row, dir));
    } catch (err) {
      problems.push(`${file}:${where}: ${(err as Error).message}`);
    }
  });
  const seen = new Map<string, number>();
  for (const e of exams) seen.set(e.key, (seen.get(e.key) ?? 0) + 1);
  for (const [key, n] of seen) if (n > 1) problems.push(`${file}: exam id "${key}" is listed ${n} times (each exam needs its own id)`);
  if (problems.length > 0) throw new InputError(problems.join('\n'), { scope: SCOPE, hint: 'see docs/batch.md for the manifest format' });
  if (exams.length === 0) throw new InputError(`${file}: the manifest lists no exams`, { scope: SCOPE });
  return exams;
}

type Row = Record<string, string | undefined>;

function normalKey(k: string): string {
  return k.toLowerCase().replace(/[\s_-]/g, '');
}

function examFromRow(raw: Row, dir: string): ExamInput {
  const row: Row = {};
  for (const [k, v] of Object.entries(raw)) row[normalKey(k)] = typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  const known = new Set(['examid', 'file', 'path', 'files', 'labels', 'dicomweb', 'study', 'series']);
  const unknown = Object.keys(row).filter((k) => !known.has(k) && row[k] !== undefined);
  if (unknown.length) throw new Error(`unknown column ${unknown.map((k) => `"${k}"`).join(', ')} (known: exam_id, file, labels, dicomweb, study, series)`);
  const id = row.examid;
  if (row.dicomweb) {
    if (!row.study) throw new Error('a dicomweb row needs "study" (the Study Instance UID)');
    return {
      kind: 'dicomweb',
      key: examKeyFrom(id ?? `${row.study}${row.series ? `_${row.series}` : ''}`),
      url: row.dicomweb,
      studyUid: row.study,
      seriesUid: row.series,
    };
  }
  const fileField = row.file ?? row.path ?? row.files;
  if (!fileField) throw new Error('no "file" (give the media file of the exam, or dicomweb + study)');
  if (fileField.includes(';')) throw new Error(`"${fileField}": one media file per exam (list each file as its own row)`);
  const file = path.resolve(dir, fileField);
  return {
    kind: 'file',
    key: examKeyFrom(id ?? path.relative(dir, file)),
    file,
    labels: row.labels ? path.resolve(dir, row.labels) : undefined,
  };
}

function jsonRows(text: string, file: string): { row: Row; where: string }[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`, { scope: SCOPE });
  }
  const list = Array.isArray(data) ? data : (data as { exams?: unknown })?.exams;
  if (!Array.isArray(list)) throw new InputError(`${file}: expected an array of exams or { "exams": [...] }`, { scope: SCOPE });
  return list.map((item, i) => {
    if (!item || typeof item !== 'object') return { row: { examid: undefined }, where: `exams[${i}]` };
    const row: Row = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      if (Array.isArray(v)) row[k] = v.map(String).join(';');
      else if (v !== null && v !== undefined) row[k] = String(v);
    }
    return { row, where: `exams[${i}]` };
  });
}

/** RFC 4180-style CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function csvRows(text: string, file: string): { row: Row; where: string }[] {
  const lines = parseCsv(text.replace(/^\uFEFF/, ''));
  const numbered = lines
    .map((cells, i) => ({ cells, line: i + 1 }))
    .filter(({ cells }) => !(cells.length === 1 && cells[0]!.trim() === '') && !cells[0]!.startsWith('#'));
  const header = numbered.shift();
  if (!header) throw new InputError(`${file}: empty manifest`, { scope: SCOPE });
  const names = header.cells.map((c) => c.trim());
  if (!names.some((n) => ['file', 'path', 'files', 'dicomweb'].includes(normalKey(n)))) {
    throw new InputError(`${file}: the first row must name the columns, e.g. "exam_id,file,labels" (found "${header.cells.join(',')}")`, { scope: SCOPE });
  }
  return numbered.map(({ cells, line }) => {
    const row: Row = {};
    names.forEach((n, i) => (row[n] = cells[i]));
    if (cells.length > names.length) row[`column ${names.length + 1}`] = cells.slice(names.length).join(',');
    return { row, where: String(line) };
  });
}
