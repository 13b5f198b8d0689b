/**
 * `readDicomHeaderFile(path)`: what a DICOM file's header says, for `autodvt probe`,
 * even when its pixels cannot be decoded (an unsupported transfer syntax or layout, a
 * damaged palette, pixel data that does not match the header). Each field is read on
 * its own: one that is missing or bad is left out, with a warning, and never hides the
 * others. Only technical attributes are read (the same fixed list as `openDicom`), so no
 * patient attribute can slip in.
 *
 * Reads the file as `openDicomFile` does: a zip holding one DICOM file is opened with
 * the same byte budget, a deflated dataset is inflated within its budget.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { unzipBounded } from './bounded-inflate.js';
import { readFrameTiming } from './frame-timing.js';
import { inflateDeflatedDataset } from './inflate-deflated-dataset.js';
import { readPixelModule } from './pixel-module.js';
import { readDataset } from './read-dataset.js';
import { inflationBudget } from './size-limits.js';
import { isUltrasoundSopClass, sopClassName } from './sop-classes.js';
import { transferSyntax } from './transfer-syntaxes.js';
import type { DicomInfo } from './types.js';
import { readUltrasoundRegions } from './ultrasound-regions.js';

/** The image fields of `DicomInfo`, which a damaged header may lack. */
type ImageFields = 'rows' | 'columns' | 'frames' | 'samplesPerPixel' | 'photometric' | 'bitsAllocated' | 'bitsStored';

/** The header fields of `DicomInfo`, any of the image ones possibly missing. */
export type DicomHeaderInfo = Omit<DicomInfo, ImageFields> & Partial<Pick<DicomInfo, ImageFields>>;

export async function readDicomHeaderFile(path: string, signal?: AbortSignal): Promise<{ uri: string; info: DicomHeaderInfo }> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path, { signal });
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (err) {
    throw new InputError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { scope: 'dicom', cause: err });
  }
  let uri = path;
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const members = [...(await unzipBounded(bytes, path, { budget: inflationBudget(bytes.length), signal, what: 'the zip' })).entries()];
    const dicoms = members.filter(([name, data]) => /\.dcm$/i.test(name) || (data.length > 132 && String.fromCharCode(...data.subarray(128, 132)) === 'DICM'));
    const chosen = dicoms.length > 0 ? dicoms : members;
    if (chosen.length !== 1) throw new InputError(`${path}: the zip holds ${chosen.length} candidate DICOM files; expected exactly one`, { scope: 'dicom' });
    uri = `${path}#${chosen[0][0]}`;
    bytes = chosen[0][1];
  }
  const prepared = await inflateDeflatedDataset(bytes, uri, signal);
  const { dataSet: ds, transferSyntaxUid, warnings } = readDataset(prepared.bytes, uri, { datasetInflated: prepared.datasetInflated });
  const ts = transferSyntax(transferSyntaxUid);
  const sopClassUid = (ds.string('x00080016') ?? '').replace(/\0/g, '');
  const modality = ds.string('x00080060');
  const info: DicomHeaderInfo = {
    sopClassUid,
    sopClassName: sopClassName(sopClassUid),
    isUltrasound: isUltrasoundSopClass(sopClassUid, modality),
    transferSyntaxUid: ts.uid,
    transferSyntaxName: ts.name,
    frameTimesMs: [],
    ultrasoundRegions: [],
    warnings,
  };
  const manufacturer = ds.string('x00080070');
  const modelName = ds.string('x00081090');
  if (manufacturer) info.manufacturer = manufacturer;
  if (modelName) info.modelName = modelName;
  if (modality) info.modality = modality;

  const rows = ds.uint16('x00280010');
  const columns = ds.uint16('x00280011');
  try {
    const pm = readPixelModule(ds, uri, warnings);
    Object.assign(info, {
      rows: pm.rows,
      columns: pm.columns,
      frames: pm.frames,
      samplesPerPixel: pm.samplesPerPixel,
      photometric: pm.photometric,
      bitsAllocated: pm.bitsAllocated,
      bitsStored: pm.bitsStored,
    });
    const timing = readFrameTiming(ds, pm.frames, warnings, uri);
    info.frameTimesMs = timing.frameTimesMs;
    if (timing.frameTimeMs !== undefined) info.frameTimeMs = timing.frameTimeMs;
  } catch (err) {
    // Keep what the header does say about the image; the reason is in the pixels' refusal.
    if (!(err instanceof InputError)) throw err;
    if (rows) info.rows = rows;
    if (columns) info.columns = columns;
    const photometric = ds.string('x00280004')?.trim();
    if (photometric) info.photometric = photometric.toUpperCase();
    warnings.push(`image pixel module: ${err.message.replace(`${uri}: `, '')}`);
  }
  if (rows && columns) info.ultrasoundRegions = readUltrasoundRegions(ds, columns, rows, warnings);
  return { uri, info };
}
