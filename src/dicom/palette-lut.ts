/**
 * PALETTE COLOR -> gray: the red, green and blue Palette Color Lookup Tables
 * ((0028,1101..1103) descriptors, (0028,1201..1203) data, or the segmented data
 * (0028,1221..1223) expanded by `expandSegmentedLut`) folded into one table from stored
 * pixel value to 8-bit Rec. 601 luma. Every error names the file and the channel.
 */
import type { DataSet, Element } from 'dicom-parser';
import { InputError } from '../core/errors.js';
import { luma } from './photometric-to-gray.js';
import { expandSegmentedLut, SegmentedLutError, type ExpandedLut } from './segmented-lut.js';

export interface PaletteGrayLut {
  /** Stored value mapped by lut[0]; values below use lut[0], values past the end the last entry. */
  firstMapped: number;
  lut: Uint8Array;
}

const CHANNELS = [
  { name: 'Red', descriptor: 'x00281101', data: 'x00281201', segmented: 'x00281221' },
  { name: 'Green', descriptor: 'x00281102', data: 'x00281202', segmented: 'x00281222' },
  { name: 'Blue', descriptor: 'x00281103', data: 'x00281203', segmented: 'x00281223' },
];

/**
 * The gray table of a PALETTE COLOR image.
 * @param warnings receives what had to be tolerated (a segmented table longer than its descriptor says)
 */
export function readPaletteGrayLut(ds: DataSet, signedPixels: boolean, uri: string, warnings: string[] = []): PaletteGrayLut {
  const tables: Uint8Array[] = [];
  let firstMapped = 0;
  for (const ch of CHANNELS) {
    const descriptor = ds.elements[ch.descriptor];
    if (!descriptor) {
      throw new InputError(`${uri}: PALETTE COLOR without a ${ch.name} Palette Color Lookup Table Descriptor`, { scope: 'dicom' });
    }
    const entries = ds.uint16(ch.descriptor, 0) || 65536;
    firstMapped = (signedPixels ? ds.int16(ch.descriptor, 1) : ds.uint16(ch.descriptor, 1)) ?? 0;
    const bits = ds.uint16(ch.descriptor, 2) ?? 16;
    const data = ds.elements[ch.data];
    if (data && data.length > 0) {
      tables.push(readTable(ds, data.dataOffset, data.length, entries, bits, uri));
      continue;
    }
    const segmented = ds.elements[ch.segmented];
    if (!segmented || segmented.length === 0) {
      throw new InputError(`${uri}: PALETTE COLOR without ${ch.name} Palette Color Lookup Table Data, plain or segmented`, { scope: 'dicom' });
    }
    const expanded = readSegmentedTable(ds, segmented, entries, bits, `${uri}: Segmented ${ch.name} Palette Color Lookup Table Data`);
    warnings.push(...expanded.warnings.map((w) => `Segmented ${ch.name} Palette Color Lookup Table Data: ${w}`));
    tables.push(scaleTo8Bits(expanded.values, bits));
  }
  const [r, g, b] = tables;
  const n = Math.min(r.length, g.length, b.length);
  const lut = new Uint8Array(n);
  for (let i = 0; i < n; i++) lut[i] = luma(r[i], g[i], b[i]);
  return { firstMapped, lut };
}

/** One channel's entries scaled to 8 bits. */
function readTable(ds: DataSet, offset: number, length: number, entries: number, bits: number, uri: string): Uint8Array {
  const bytes = ds.byteArray;
  if (length === entries) {
    // 8-bit entries packed one per byte
    return bytes.slice(offset, offset + entries);
  }
  if (length < entries * 2) {
    throw new InputError(`${uri}: palette lookup table has ${length} bytes for ${entries} entries`, { scope: 'dicom' });
  }
  const words = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) words[i] = ds.byteArrayParser.readUint16(bytes, offset + i * 2);
  return scaleTo8Bits(words, bits);
}

/**
 * Segmented data, in the units its bit depth implies: 16-bit words for 16-bit tables,
 * bytes for 8-bit ones (as the standard's well-known colour palettes store them); an
 * 8-bit table whose data only makes sense as words is read as words.
 */
function readSegmentedTable(ds: DataSet, element: Element, entries: number, bits: number, where: string): ExpandedLut {
  const bytes = ds.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  const words = new Uint16Array(element.length >> 1);
  for (let i = 0; i < words.length; i++) words[i] = ds.byteArrayParser.readUint16(ds.byteArray, element.dataOffset + i * 2);
  try {
    if (bits > 8) return expandSegmentedLut(words, entries, 2);
    try {
      return expandSegmentedLut(bytes, entries, 1);
    } catch (err) {
      if (!(err instanceof SegmentedLutError)) throw err;
      const asWords = expandSegmentedLut(words, entries, 2);
      return { ...asWords, warnings: ['8-bit segments stored one per 16-bit word', ...asWords.warnings] };
    }
  } catch (err) {
    if (err instanceof SegmentedLutError) throw new InputError(`${where}: ${err.message}`, { scope: 'dicom', hint: 'the palette is damaged' });
    throw err;
  }
}

/** 8-bit tables stored in 16-bit words usually hold the value in the low byte; 16-bit tables are scaled down. */
function scaleTo8Bits(words: Uint16Array, bits: number): Uint8Array {
  let max = 0;
  for (const w of words) if (w > max) max = w;
  const shift = bits <= 8 && max <= 255 ? 0 : 8;
  const out = new Uint8Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = words[i] >> shift;
  return out;
}
