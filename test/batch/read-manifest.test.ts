import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExams } from '../../src/batch/list-exams.js';
import { parseCsv, readManifest } from '../../src/batch/read-manifest.js';

function tmp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-manifest-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('manifests and inputs', () => {
  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\r\n"multi\nline",z')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
    ]);
  });

  it('reads a CSV manifest: ids, relative files and labels, comments skipped', () => {
    const dir = tmp({ 'm.csv': '# archive 2019\nExam ID,File,Labels\ns1 left,a/one.dcm,l/one.json\n,b/two.mp4,\n' });
    const exams = readManifest(path.join(dir, 'm.csv'));
    expect(exams).toEqual([
      { kind: 'file', key: 's1_left', file: path.join(dir, 'a/one.dcm'), labels: path.join(dir, 'l/one.json') },
      { kind: 'file', key: 'b__two.mp4', file: path.join(dir, 'b/two.mp4'), labels: undefined },
    ]);
  });

  it('reads a JSON manifest with file and DICOMweb rows', () => {
    const dir = tmp({
      'm.json': JSON.stringify({
        exams: [
          { examId: 'x', file: 'x.dcm' },
          { examId: 'p', dicomweb: 'http://pacs/dicom-web', study: '1.2', series: '1.2.3' },
        ],
      }),
    });
    expect(readManifest(path.join(dir, 'm.json'))).toEqual([
      { kind: 'file', key: 'x', file: path.join(dir, 'x.dcm'), labels: undefined },
      { kind: 'dicomweb', key: 'p', url: 'http://pacs/dicom-web', studyUid: '1.2', seriesUid: '1.2.3' },
    ]);
  });

  it('reports every bad row at once, with its line', () => {
    const dir = tmp({ 'm.csv': 'exam_id,file,colour\na,a.dcm,\nb,,\na,c.dcm,\nc,d.dcm,red\n' });
    let message = '';
    try {
      readManifest(path.join(dir, 'm.csv'));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('m.csv:5: unknown column "colour"');
    expect(message).toContain('m.csv:3: no "file"');
    expect(message).toContain('exam id "a" is listed 2 times');
  });

  it('lists a folder recursively, keyed by relative path, so a.dcm and a.mp4 are two exams', async () => {
    const dir = tmp({ 'x/a.dcm': '', 'x/a.mp4': '', 'x/a.mp4.labels.json': '{}', 'x/notes.txt': '', 'y/b.DCM': '' });
    const exams = await listExams([dir]);
    expect(exams.map((e) => e.key)).toEqual(['x__a.dcm', 'x__a.mp4', 'y__b.DCM']);
  });

  it('refuses an input that names nothing it can read', async () => {
    await expect(listExams(['/nonexistent/exams'])).rejects.toThrow('no such file or folder');
    const dir = tmp({ 'notes.txt': '' });
    await expect(listExams([dir])).rejects.toThrow('no exams found');
  });
});
