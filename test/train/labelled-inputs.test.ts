import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { collectLabelledInputs } from '../../src/train/labelled-inputs.js';
import { readSubjectManifest } from '../../src/train/subject-manifest.js';

const sidecar = JSON.stringify({ version: 1, segments: [{ start: 0, end: 9, landmark: 'BG', open: true }] });

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-labelled-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('collectLabelledInputs', () => {
  it('takes the labelled media of a folder, recursively, and counts the unlabelled ones it leaves out', async () => {
    const dir = folder({ 'a.dcm': 'x', 'a.dcm.labels.json': sidecar, 'sub/b.mp4': 'x', 'sub/b.mp4.labels.json': sidecar, 'c.dcm': 'x', 'notes.txt': 'x' });
    const { inputs, unlabelled } = await collectLabelledInputs([dir], 'train');
    expect(inputs.map((i) => [path.relative(dir, i.file), i.kind, i.examId])).toEqual([
      ['a.dcm', 'dicom-cine', 'a'],
      ['sub/b.mp4', 'video-file', 'b'],
    ]);
    expect(unlabelled).toBe(1);
  });

  it('reports every problem at once: a missing path, an unlabelled file, an invalid sidecar', async () => {
    const dir = folder({ 'a.dcm': 'x', 'b.dcm': 'x', 'b.dcm.labels.json': '{"version":1,"segments":[{"start":0,"end":1,"landmark":"XX"}]}' });
    const err = await collectLabelledInputs([path.join(dir, 'nope.dcm'), path.join(dir, 'a.dcm'), path.join(dir, 'b.dcm')], 'train').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('nope.dcm: no such file or folder');
    expect(err.message).toContain('a.dcm: no labels sidecar');
    expect(err.message).toContain('b.dcm.labels.json: invalid labels sidecar');
  });
});

describe('readSubjectManifest', () => {
  it('maps each file, relative to the manifest, to its subject', () => {
    const dir = folder({ 'm.csv': '# patients\nFile,Patient_ID\nexams/a.dcm,P1\n"exams/b, c.mp4",P1\nd.dcm,P2\n' });
    const m = readSubjectManifest(path.join(dir, 'm.csv'));
    expect([...m.entries()]).toEqual([
      [path.join(dir, 'exams/a.dcm'), 'P1'],
      [path.join(dir, 'exams/b, c.mp4'), 'P1'],
      [path.join(dir, 'd.dcm'), 'P2'],
    ]);
  });

  it('names the file and line of an empty subject and of a file listed with two subjects', () => {
    const dir = folder({ 'm.csv': 'file,subject\na.dcm,P1\nb.dcm,\na.dcm,P2\n' });
    expect(() => readSubjectManifest(path.join(dir, 'm.csv'))).toThrow(/m\.csv:3: empty "subject" for b\.dcm[\s\S]*m\.csv:4: a\.dcm is listed twice/);
  });

  it('refuses a header without a subject column', () => {
    const dir = folder({ 'm.csv': 'file,exam\na.dcm,1\n' });
    expect(() => readSubjectManifest(path.join(dir, 'm.csv'))).toThrow(/no "subject" column/);
  });
});
