/**
 * Which bytes of an encapsulated Pixel Data element make up frame N. Uses the Basic
 * Offset Table when it is present and consistent; otherwise one fragment per frame
 * when the counts match; otherwise frame boundaries found from the codestream end
 * markers (dicom-parser's createJPEGBasicOffsetTable; JPEG, JPEG-LS and JPEG 2000
 * all end with FFD9). In a file cut short inside its pixel data (`truncated`), the
 * frames whose fragments are whole decode and a later frame is refused as truncated.
 */
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { InputError } from '../core/errors.js';

export type FrameReader = (frameIndex: number) => Uint8Array;

export function encapsulatedFrameReader(
  ds: DataSet,
  pixel: Element,
  frames: number,
  { endsWithEoi, truncated }: { endsWithEoi: boolean; truncated: boolean },
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
  if (truncated && fragments.length < frames) return truncatedFrameReader(ds, pixel, frames, uri);

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

/**
 * Frames of pixel data cut short: the Basic Offset Table entries that point at whole
 * fragments when the table lists every frame, else one frame per whole fragment (the
 * usual layout of multi-frame ultrasound). A frame past the cut is refused as truncated.
 */
function truncatedFrameReader(ds: DataSet, pixel: Element, frames: number, uri: string): FrameReader {
  const fragments = pixel.fragments ?? [];
  const known = new Set(fragments.map((f) => f.offset));
  const bot = pixel.basicOffsetTable ?? [];
  let table: number[];
  let whole: number;
  if (bot.length === frames) {
    const prefix = bot.findIndex((o) => !known.has(o));
    table = prefix < 0 ? bot : bot.slice(0, prefix);
    // The last frame listed may lack later fragments, unless every frame before it took
    // exactly one (the usual layout), so it took one too and that one is whole.
    const oneEach = table.every((o, i) => i === 0 || fragments[i]?.offset === o);
    whole = oneEach ? table.length : Math.max(0, table.length - 1);
  } else {
    table = fragments.map((f) => f.offset);
    whole = table.length;
  }
  return (frameIndex) => {
    if (frameIndex >= whole) {
      throw new InputError(
        `${uri}: truncated: frame ${frameIndex} lies after the cut (the file holds ${whole} whole frame${whole === 1 ? '' : 's'} of ${frames})`,
        {
          scope: 'dicom',
          hint: 'the file was cut short (interrupted copy or download); fetch it again',
        },
      );
    }
    return dicomParser.readEncapsulatedImageFrame(ds, pixel, frameIndex, table) as Uint8Array;
  };
}
