/**
 * Which bytes of an encapsulated Pixel Data element make up frame N. Uses the Basic
 * Offset Table when it is present and consistent; otherwise one fragment per frame
 * when the counts match; otherwise frame boundaries found from the codestream end
 * markers (dicom-parser's createJPEGBasicOffsetTable; JPEG, JPEG-LS and JPEG 2000
 * all end with FFD9).
 */
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { InputError } from '../errors.js';

export type FrameReader = (frameIndex: number) => Uint8Array;

export function encapsulatedFrameReader(
  ds: DataSet,
  pixel: Element,
  frames: number,
  endsWithEoi: boolean,
  uri: string,
  warnings: string[],
): FrameReader {
  const fragments = pixel.fragments ?? [];
  if (fragments.length === 0) {
    throw new InputError(`${uri}: the encapsulated pixel data holds no fragments`, { scope: 'dicom' });
  }
  if (frames === 1) {
    return () => dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, fragments.length) as Uint8Array;
  }

  const offsets = fragments.map((f) => f.offset);
  const known = new Set(offsets);
  const bot = pixel.basicOffsetTable ?? [];
  let table: number[];
  if (bot.length === frames && bot.every((o, i) => known.has(o) && (i === 0 || o > bot[i - 1]))) {
    table = bot;
  } else {
    if (bot.length > 0) warnings.push(`the Basic Offset Table (${bot.length} entries) does not match the fragments; ignored it`);
    if (fragments.length === frames) {
      table = offsets;
    } else if (endsWithEoi) {
      table = dicomParser.createJPEGBasicOffsetTable(ds, pixel);
    } else {
      table = [];
    }
  }
  if (table.length < frames) {
    throw new InputError(
      `${uri}: the pixel data holds ${table.length || fragments.length} frame${table.length === 1 ? '' : 's'} ` +
        `(${fragments.length} fragments), but Number of Frames is ${frames}`,
      { scope: 'dicom', hint: 'the file is corrupt or was cut short' },
    );
  }
  return (frameIndex) => dicomParser.readEncapsulatedImageFrame(ds, pixel, frameIndex, table) as Uint8Array;
}
