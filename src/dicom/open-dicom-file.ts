/**
 * `openDicomFile(path, { signal })`: reads a DICOM file from disk, or the one DICOM file
 * inside a .zip (as some archives ship cines), and opens it with `openDicom`. A zip
 * member's uri is `path#member`. A zip is inflated within a byte budget (size-limits.ts):
 * a zip bomb is refused, not inflated until memory runs out; `signal` stops the
 * inflation at once.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { unzipBounded } from './bounded-inflate.js';
import { openDicom, type OpenDicomOptions } from './open-dicom-bytes.js';
import { inflationBudget } from './size-limits.js';
import type { DicomFile } from './types.js';

export async function openDicomFile(path: string, options: OpenDicomOptions = {}): Promise<DicomFile> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path, { signal: options.signal });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'EISDIR' ? 'it is a folder, not a file' : code === 'ERR_FS_FILE_TOO_LARGE' ? 'larger than 2 GiB' : (code ?? (err as Error).message);
    throw new InputError(`${path}: cannot read the file (${reason})`, { scope: 'dicom', cause: err });
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (isZip(bytes)) {
    const { name, data } = await singleDicomMember(bytes, path, options.signal);
    return openDicom(data, `${path}#${name}`, options);
  }
  return openDicom(bytes, path, options);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

async function singleDicomMember(bytes: Uint8Array, path: string, signal: AbortSignal | undefined): Promise<{ name: string; data: Uint8Array }> {
  const members = await unzipBounded(bytes, path, { budget: inflationBudget(bytes.length), signal, what: 'the zip' });
  const entries = [...members.entries()];
  const dicoms = entries.filter(([name, data]) => /\.dcm$/i.test(name) || hasDicmMarker(data));
  const chosen = dicoms.length > 0 ? dicoms : entries;
  if (chosen.length !== 1) {
    throw new InputError(
      `${path}: the zip holds ${chosen.length} candidate DICOM files (${chosen
        .map(([n]) => n)
        .slice(0, 5)
        .join(', ')}); expected exactly one`,
      { scope: 'dicom', hint: 'unzip it and open the files one by one' },
    );
  }
  const [name, data] = chosen[0];
  return { name, data };
}

function hasDicmMarker(data: Uint8Array): boolean {
  return data.length > 132 && data[128] === 0x44 && data[129] === 0x49 && data[130] === 0x43 && data[131] === 0x4d;
}
