/**
 * Bytes -> a parsed dataset, tolerantly: a missing preamble, a missing file meta
 * group (the transfer syntax is then guessed from the first element), a deflated
 * dataset, and a pixel-data sequence without its delimiter are read with a warning;
 * a file cut short inside the pixel data is read as far as it goes, with a warning
 * (truncated-pixel-data.ts): the frames before the cut decode, the first after it is
 * refused with the sizes in the message.
 * A deflated dataset is inflated within a byte budget (size-limits.ts); `openDicom`
 * inflates it beforehand, asynchronously (`inflateDeflatedDataset`), so that a signal
 * is answered while it inflates, and passes `datasetInflated`.
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { InputError } from '../core/errors.js';
import { formatBytes, inflationBudget } from './size-limits.js';
import { salvageTruncatedPixelData } from './truncated-pixel-data.js';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from './transfer-syntaxes.js';

export interface ParsedDataset {
  dataSet: DataSet;
  transferSyntaxUid: string;
  warnings: string[];
  /** The file ends inside its pixel data: the frames before the cut decode, later ones fail. */
  truncated: boolean;
}

const PIXEL_DATA = 'x7fe00010';
const UNDEFINED_LENGTH = 0xffffffff;
/** VRs an explicit-VR element may start with, to recognise a dataset without a file meta group. */
const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

export interface ReadDatasetOptions {
  /** The bytes are already meta group + inflated dataset (inflateDeflatedDataset did it). */
  datasetInflated?: boolean;
}

export function readDataset(input: Uint8Array, uri: string, readOptions: ReadDatasetOptions = {}): ParsedDataset {
  const warnings: string[] = [];
  let bytes = input;
  let fallbackTransferSyntax: string | undefined;

  if (!hasMarkerAt(bytes, 128)) {
    if (hasMarkerAt(bytes, 0)) {
      warnings.push("no 128-byte preamble before 'DICM'; read as if it were there");
      const padded = new Uint8Array(bytes.length + 128);
      padded.set(bytes, 128);
      bytes = padded;
    } else {
      const guess = guessDatasetStart(bytes);
      if (!guess) {
        throw new InputError(`${uri}: not a DICOM file (no 'DICM' marker at byte 128 and no recognisable data element at the start)`, {
          scope: 'dicom',
          hint: 'check that the file is a DICOM Part 10 file, or a zip holding one',
        });
      }
      fallbackTransferSyntax = guess.transferSyntaxUid;
      warnings.push(
        `no preamble and no file meta group: guessed ${transferSyntax(guess.transferSyntaxUid).name}` +
          (guess.offset > 0 ? `, skipping ${guess.offset} stray byte${guess.offset > 1 ? 's' : ''} at the start` : ''),
      );
      bytes = bytes.subarray(guess.offset);
    }
  }

  const options = {
    ...(fallbackTransferSyntax ? { TransferSyntaxUID: fallbackTransferSyntax } : {}),
    inflater: (arr: Uint8Array, position: number) => (readOptions.datasetInflated ? arr : inflateDataset(arr, position, uri)),
  };

  let dataSet: DataSet;
  let truncated = false;
  try {
    dataSet = dicomParser.parseDicom(bytes, options);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const salvaged = salvageTruncatedPixelData(bytes, options);
    if (!salvaged) throw diagnoseParseFailure(bytes, options, err, uri);
    dataSet = salvaged.dataSet;
    truncated = salvaged.truncated;
    warnings.push(salvaged.warning);
  }

  const transferSyntaxUid = (fallbackTransferSyntax ?? dataSet.string('x00020010') ?? '').replace(/\0/g, '').trim();
  for (const w of dataSet.warnings ?? []) warnings.push(`parser: ${w}`);
  return { dataSet, transferSyntaxUid, warnings, truncated };
}

function hasMarkerAt(bytes: Uint8Array, offset: number): boolean {
  return bytes.length >= offset + 4 && bytes[offset] === 0x44 && bytes[offset + 1] === 0x49 && bytes[offset + 2] === 0x43 && bytes[offset + 3] === 0x4d;
}

/**
 * Where a bare dataset starts, and how it is encoded: an element of group 0002 or
 * 0008 within the first few bytes (some writers leave a stray byte in front).
 */
function guessDatasetStart(bytes: Uint8Array): { offset: number; transferSyntaxUid: string } | undefined {
  for (let offset = 0; offset <= 8 && offset + 8 <= bytes.length; offset++) {
    const group = bytes[offset] | (bytes[offset + 1] << 8);
    if (group !== 0x0002 && group !== 0x0008) continue;
    const vr = String.fromCharCode(bytes[offset + 4], bytes[offset + 5]);
    if (VRS.has(vr)) return { offset, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN };
    const length = (bytes[offset + 4] | (bytes[offset + 5] << 8) | (bytes[offset + 6] << 16) | (bytes[offset + 7] << 24)) >>> 0;
    if (length < bytes.length - offset) return { offset, transferSyntaxUid: IMPLICIT_VR_LITTLE_ENDIAN };
  }
  return undefined;
}

function inflateDataset(arr: Uint8Array, position: number, uri: string): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: inflationBudget(arr.length - position) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(
        `${uri}: the deflated dataset inflates to more than ${formatBytes(inflationBudget(arr.length - position))}; refused as a likely decompression bomb`,
        { scope: 'dicom', cause: err },
      );
    }
    throw new InputError(`${uri}: the deflated dataset cannot be inflated (${(err as Error).message})`, {
      scope: 'dicom',
      cause: err,
    });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position));
  full.set(inflated, position);
  return full;
}

function parserMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'exception' in err) return String((err as { exception: unknown }).exception);
  return err instanceof Error ? err.message : String(err);
}

/** The full parse failed: say whether the pixel data is cut short, or what the parser said. */
function diagnoseParseFailure(bytes: Uint8Array, options: Record<string, unknown>, err: unknown, uri: string): InputError {
  try {
    const header = dicomParser.parseDicom(bytes, { ...options, untilTag: PIXEL_DATA });
    const pixel = header.elements[PIXEL_DATA];
    if (pixel && pixel.length !== UNDEFINED_LENGTH) {
      const available = Math.max(0, header.byteArray.length - pixel.dataOffset);
      if (pixel.length > available) {
        return new InputError(`${uri}: truncated: pixel data declares ${pixel.length} bytes, file has ${available}`, {
          scope: 'dicom',
          hint: 'the file was cut short (interrupted copy or download); fetch it again',
          cause: err,
        });
      }
    }
  } catch {
    // the header itself is broken: report the first failure
  }
  return new InputError(`${uri}: cannot parse the DICOM dataset: ${parserMessage(err)}`, {
    scope: 'dicom',
    hint: 'the file is corrupt or not DICOM',
    cause: err,
  });
}
