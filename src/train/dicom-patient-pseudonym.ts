/**
 * A pseudonym for the patient of a DICOM file: `patient-<12 hex>`, an HMAC-SHA256 of the
 * PatientID (0010,0020) under a key the caller holds (per training run). The PatientID
 * itself never leaves this function: it is not returned, logged or written; two files of
 * the same patient get the same pseudonym, so a split by pseudonym is a split by patient.
 * undefined when the file has no PatientID (or is a zip, whose members are not opened here).
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readDataset } from '../dicom/read-dataset.js';

export async function dicomPatientPseudonym(file: string, key: string): Promise<string | undefined> {
  if (/\.zip$/i.test(file)) return undefined;
  let id: string | undefined;
  try {
    const { dataSet } = readDataset(new Uint8Array(await readFile(file)), file);
    id = dataSet.string('x00100020')?.trim();
  } catch {
    return undefined; // an unreadable header is reported when the frames are read
  }
  if (!id) return undefined;
  return `patient-${createHmac('sha256', key).update(id).digest('hex').slice(0, 12)}`;
}
