/**
 * PALETTE COLOR -> gray: the red, green and blue Palette Color Lookup Tables
 * ((0028,1101..1103) descriptors, (0028,1201..1203) data) folded into one table from
 * stored pixel value to 8-bit Rec. 601 luma.
 */
import type { DataSet } from 'dicom-parser';
import { InputError, UnsupportedError } from '../errors.js';
import { luma } from './photometric-to-gray.js';

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

export function readPaletteGrayLut(ds: DataSet, signedPixels: boolean, uri: string): PaletteGrayLut {
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
    if (!data || data.length === 0) {
      if (ds.elements[ch.segmented]) {
        throw new UnsupportedError('segmented palette colour lookup tables', { scope: 'dicom', hint: uri });
      }
      throw new InputError(`${uri}: PALETTE COLOR without ${ch.name} Palette Color Lookup Table Data`, { scope: 'dicom' });
    }
    tables.push(readTable(ds, data.dataOffset, data.length, entries, bits, uri));
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
  const out = new Uint8Array(entries);
  if (length === entries) {
    // 8-bit entries packed one per byte
    out.set(bytes.subarray(offset, offset + entries));
    return out;
  }
  if (length < entries * 2) {
    throw new InputError(`${uri}: palette lookup table has ${length} bytes for ${entries} entries`, { scope: 'dicom' });
  }
  const words = new Uint16Array(entries);
  let max = 0;
  for (let i = 0; i < entries; i++) {
    words[i] = ds.byteArrayParser.readUint16(bytes, offset + i * 2);
    if (words[i] > max) max = words[i];
  }
  // 8-bit tables stored in 16-bit words usually hold the value in the low byte; 16-bit tables are scaled down.
  const shift = bits <= 8 && max <= 255 ? 0 : 8;
  for (let i = 0; i < entries; i++) out[i] = words[i] >> shift;
  return out;
}
