/**
 * A file cut short inside its pixel data, read as far as it goes: the header is parsed
 * up to Pixel Data, and the pixel data element keeps what the file still holds (native:
 * the declared length, so frame decoding refuses the first frame that is not whole;
 * encapsulated: the fragments that are whole). The frames before the cut then decode
 * as usual, and the first one after it fails with a message that says the file is
 * truncated, so a run keeps everything decoded before the damage. A file cut after its
 * pixel data (in trailing elements) keeps every frame.
 */
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';

const PIXEL_DATA = 'x7fe00010';
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xe000fffe; // (FFFE,E000) read as one little-endian uint32
const SEQUENCE_DELIMITER = 0xe0ddfffe; // (FFFE,E0DD)

export interface SalvagedDataset {
  dataSet: DataSet;
  warning: string;
  /** False when the cut lies after the pixel data: every frame is there. */
  truncated: boolean;
}

/** The dataset up to a pixel data element that runs past the end of `bytes`, or undefined when that is not what went wrong. */
export function salvageTruncatedPixelData(bytes: Uint8Array, options: Record<string, unknown>): SalvagedDataset | undefined {
  let header: DataSet;
  try {
    header = dicomParser.parseDicom(bytes, { ...options, untilTag: PIXEL_DATA });
  } catch {
    return undefined; // the header itself is broken
  }
  const pixel = header.elements[PIXEL_DATA];
  if (!pixel) return undefined;
  const end = header.byteArray.length;
  if (pixel.length !== UNDEFINED_LENGTH) {
    const available = Math.max(0, end - pixel.dataOffset);
    if (pixel.length <= available)
      return { dataSet: header, warning: 'the file is cut short after its pixel data; what followed it is lost', truncated: false };
    return {
      dataSet: header,
      warning: `truncated: pixel data declares ${pixel.length} bytes, file has ${available}; frames after the cut cannot be decoded`,
      truncated: true,
    };
  }
  const walked = wholeFragments(header.byteArray as Uint8Array, pixel.dataOffset);
  if (!walked) return undefined;
  Object.assign(pixel as Element, { encapsulatedPixelData: true, basicOffsetTable: walked.basicOffsetTable, fragments: walked.fragments });
  if (walked.complete) return { dataSet: header, warning: 'the file is cut short after its pixel data; what followed it is lost', truncated: false };
  return {
    dataSet: header,
    warning: `truncated: the encapsulated pixel data is cut short after ${walked.fragments.length} whole fragment(s); frames after the cut cannot be decoded`,
    truncated: true,
  };
}

/** The Basic Offset Table and the fragments that lie wholly inside the bytes, as dicom-parser describes them. */
function wholeFragments(
  bytes: Uint8Array,
  start: number,
): { basicOffsetTable: number[]; fragments: { offset: number; position: number; length: number }[]; complete: boolean } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (start + 8 > bytes.length || view.getUint32(start, true) !== ITEM) return undefined;
  const botLength = view.getUint32(start + 4, true);
  if (start + 8 + botLength > bytes.length) return undefined;
  const basicOffsetTable: number[] = [];
  for (let at = start + 8; at + 4 <= start + 8 + botLength; at += 4) basicOffsetTable.push(view.getUint32(at, true));
  const base = start + 8 + botLength;
  const fragments: { offset: number; position: number; length: number }[] = [];
  for (let at = base; at + 8 <= bytes.length; ) {
    const tag = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    if (tag === SEQUENCE_DELIMITER) return { basicOffsetTable, fragments, complete: true };
    if (tag !== ITEM || at + 8 + length > bytes.length) break; // the cut
    fragments.push({ offset: at - base, position: at + 8, length });
    at += 8 + length;
  }
  return { basicOffsetTable, fragments, complete: false };
}
