/**
 * Which patient each labelled exam belongs to, from (first that applies):
 *   1. the --manifest CSV (file,subject);
 *   2. the sidecar's `subjectId`;
 *   3. the DICOM PatientID, read here and kept only as a keyed hash (never printed);
 *   4. the exam itself (each exam its own patient; the caller warns about it).
 * Patients are then numbered `patient-001`... in input order: only these numbers reach
 * the dataset index, the model card and the JSON output.
 */
import { dicomPatientPseudonym } from './dicom-patient-pseudonym.js';
import type { LabelledInput } from './labelled-inputs.js';

export type PatientSource = 'manifest' | 'sidecar' | 'dicom' | 'exam';

export interface PatientOfInput {
  /** Internal key (a pseudonym): used to group and split, never shown. */
  key: string;
  /** What is shown and written: `patient-001`, numbered in input order. */
  label: string;
  source: PatientSource;
}

export async function resolvePatients(inputs: LabelledInput[], manifest: Map<string, string> | undefined, hmacKey: string): Promise<PatientOfInput[]> {
  const keyed: { key: string; source: PatientSource }[] = [];
  for (const input of inputs) {
    const fromManifest = manifest?.get(input.file);
    if (fromManifest) keyed.push({ key: `manifest:${fromManifest}`, source: 'manifest' });
    else if (input.sidecar.subjectId) keyed.push({ key: `sidecar:${input.sidecar.subjectId}`, source: 'sidecar' });
    else {
      const pseudonym = input.kind === 'dicom-cine' ? await dicomPatientPseudonym(input.file, hmacKey) : undefined;
      keyed.push(pseudonym ? { key: `dicom:${pseudonym}`, source: 'dicom' } : { key: `exam:${input.file}`, source: 'exam' });
    }
  }
  const numbers = new Map<string, number>();
  for (const { key } of keyed) if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
  const width = Math.max(3, String(numbers.size).length);
  return keyed.map(({ key, source }) => ({ key, source, label: `patient-${String(numbers.get(key)).padStart(width, '0')}` }));
}
