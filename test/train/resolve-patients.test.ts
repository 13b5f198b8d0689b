import path from 'node:path';
import dicomParser from 'dicom-parser';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePatients } from '../../src/train/resolve-patients.js';
import { splitPatients } from '../../src/train/split-patients.js';
import type { LabelledInput } from '../../src/train/labelled-inputs.js';

const dicomDir = path.resolve(import.meta.dirname, '../fixtures/dicom');
// Three GE LOGIQ 700 files share one PatientID; the others each have their own.
const samePatient = ['us_ge_logiq700_j2k_lossless.dcm', 'us_ge_logiq700_rgb_uncompressed.dcm', 'us_ge_logiq700_rle_wg04.dcm'];
const others = ['us_acuson_jpeg_extended_ybrfull.dcm', 'us_atl_hdi5000_jpeg_baseline.dcm', 'us_hp_mf34_jpeg_baseline.dcm'];

function input(name: string, subjectId?: string): LabelledInput {
  const file = path.join(dicomDir, name);
  return {
    file,
    kind: 'dicom-cine',
    examId: name,
    sidecarPath: `${file}.labels.json`,
    sidecar: { version: 1, segments: [], ...(subjectId ? { subjectId } : {}) },
  };
}

describe('resolvePatients', () => {
  it('gives exams with the same DICOM PatientID one patient, so the split keeps them together', async () => {
    const inputs = [...samePatient, ...others].map((n) => input(n));
    const patients = await resolvePatients(inputs, undefined, 'test-key');
    expect(patients.map((p) => p.source)).toEqual(Array(6).fill('dicom'));
    expect(new Set(patients.slice(0, 3).map((p) => p.key)).size).toBe(1);
    expect(new Set(patients.map((p) => p.key)).size).toBe(4);
    const split = splitPatients(
      patients.map((p) => p.key),
      { train: 0.6, val: 0.2 },
      3,
    );
    expect(new Set(patients.slice(0, 3).map((p) => split.get(p.key))).size).toBe(1);
  });

  it('never lets the PatientID out: neither the keys nor the labels hold it', async () => {
    const patients = await resolvePatients(
      samePatient.map((n) => input(n)),
      undefined,
      'test-key',
    );
    const id = dicomParser
      .parseDicom(new Uint8Array(fs.readFileSync(path.join(dicomDir, samePatient[0]!))))
      .string('x00100020')!
      .trim();
    expect(id.length).toBeGreaterThan(0);
    const text = JSON.stringify(patients);
    expect(text.includes(id)).toBe(false); // not toContain: a failure must not print the id
    expect(patients.map((p) => p.label)).toEqual(['patient-001', 'patient-001', 'patient-001']);
  });

  it('prefers the manifest, then the sidecar subjectId, over the DICOM header', async () => {
    const inputs = [input(samePatient[0]!), input(samePatient[1]!, 'S9'), input(others[0]!)];
    const manifest = new Map([[inputs[0]!.file, 'P1']]);
    const patients = await resolvePatients(inputs, manifest, 'test-key');
    expect(patients.map((p) => p.source)).toEqual(['manifest', 'sidecar', 'dicom']);
    expect(new Set(patients.map((p) => p.key)).size).toBe(3);
  });

  it('counts an exam with no patient id of any kind as its own patient', async () => {
    const inputs = [input('gen_jpeg_lossless_sv1_border.dcm'), input('gen_jpeg_lossless_sv1_border_native.dcm')];
    const patients = await resolvePatients(inputs, undefined, 'test-key');
    expect(patients.map((p) => p.source)).toEqual(['exam', 'exam']);
    expect(patients[0]!.key).not.toBe(patients[1]!.key);
  });
});
