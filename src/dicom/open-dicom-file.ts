/**
 * `openDicomFile(path)`: reads a DICOM file from disk, or the one DICOM file inside a
 * .zip (as some archives ship cines), and opens it with `openDicom`. A zip member's
 * uri is `path#member`.
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { InputError } from '../errors.js';
import { openDicom } from './open-dicom-bytes.js';
import type { DicomFile } from './types.js';

export async function openDicomFile(path: string): Promise<DicomFile> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      scope: 'dicom',
      cause: err,
    });
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (isZip(bytes)) {
    const { name, data } = singleDicomMember(bytes, path);
    return openDicom(data, `${path}#${name}`);
  }
  return openDicom(bytes, path);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function singleDicomMember(bytes: Uint8Array, path: string): { name: string; data: Uint8Array } {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && !f.name.startsWith('__MACOSX/') });
  } catch (err) {
    throw new InputError(`${path}: cannot unzip (${(err as Error).message})`, { scope: 'dicom', cause: err });
  }
  const entries = Object.entries(members).filter(([, data]) => data.length > 0);
  const dicoms = entries.filter(([name, data]) => /\.dcm$/i.test(name) || hasDicmMarker(data));
  const chosen = dicoms.length > 0 ? dicoms : entries;
  if (chosen.length !== 1) {
    throw new InputError(
      `${path}: the zip holds ${chosen.length} candidate DICOM files (${chosen.map(([n]) => n).slice(0, 5).join(', ')}); expected exactly one`,
      { scope: 'dicom', hint: 'unzip it and open the files one by one' },
    );
  }
  const [name, data] = chosen[0];
  return { name, data };
}

function hasDicmMarker(data: Uint8Array): boolean {
  return data.length > 132 && data[128] === 0x44 && data[129] === 0x49 && data[130] === 0x43 && data[131] === 0x4d;
}
