/**
 * A Deflated Explicit VR Little Endian file (1.2.840.10008.1.2.1.99) with its dataset
 * inflated ahead of parsing: asynchronously, in chunks, within a byte budget
 * (bounded-inflate.ts), so a deflate bomb is refused after at most the budget and a
 * signal is answered while it inflates. Any other file comes back as it is.
 */
import dicomParser from 'dicom-parser';
import { inflateRawBounded } from './bounded-inflate.js';
import { inflationBudget } from './size-limits.js';
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntaxes.js';

export interface MaybeInflated {
  /** The file's bytes, or its meta group followed by the inflated dataset. */
  bytes: Uint8Array;
  datasetInflated: boolean;
}

export async function inflateDeflatedDataset(bytes: Uint8Array, uri: string, signal?: AbortSignal): Promise<MaybeInflated> {
  const position = deflatedDatasetStart(bytes);
  if (position === undefined) return { bytes, datasetInflated: false };
  const deflated = bytes.subarray(position);
  const inflated = await inflateRawBounded(deflated, uri, { budget: inflationBudget(deflated.length), signal, what: 'the deflated dataset' });
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return { bytes: full, datasetInflated: true };
}

/** Where the deflated dataset starts, for a Part 10 file whose meta group names the deflated transfer syntax. */
function deflatedDatasetStart(bytes: Uint8Array): number | undefined {
  if (!(bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d)) return undefined;
  try {
    const meta = dicomParser.readPart10Header(bytes) as ReturnType<typeof dicomParser.readPart10Header> & { position?: number };
    const ts = (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
    return ts === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN && typeof meta.position === 'number' ? meta.position : undefined;
  } catch {
    return undefined; // readDataset reports a broken meta group
  }
}
