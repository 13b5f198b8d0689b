import { describe, it, expect } from 'vitest';
import { openDicom } from '../../src/dicom/open-dicom.js';
import { readPaletteGrayLut } from '../../src/dicom/palette-lut.js';
import { readDataset } from '../../src/dicom/read-dataset.js';
import { InputError } from '../../src/core/errors.js';
import { buildDicom, grayImageElements, type ElementSpec } from './build-dicom.js';

/** Rec. 601 luma in the 16.16 fixed point the gray conversion documents. */
const luma601 = (r: number, g: number, b: number) => (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;

/**
 * A 16x16 PALETTE COLOR image whose pixel at i holds i, with 256-entry 16-bit
 * segmented tables (the layout of the Aloka file pydicom reads):
 *   red   = 0, then linear to 65535 in 255 steps   -> 257 i      (>> 8: i)
 *   green = 65535, then linear to 0 in 255 steps   -> 65535-257i (>> 8: 255 - i)
 *   blue  = 0, linear to 32512 in 127 steps (256 i -> i), then 128 entries of 40000 (-> 156)
 */
function segmentedPaletteFile(blue: number[] = [0, 1, 0, 1, 127, 32512, 0, 128, ...Array<number>(128).fill(40000)]): Uint8Array {
  const pixels = Uint8Array.from({ length: 256 }, (_, i) => i);
  const elements: ElementSpec[] = [
    ...grayImageElements({ columns: 16, rows: 16, pixels, photometric: 'PALETTE COLOR' }),
    { tag: '0028,1101', vr: 'US', value: [256, 0, 16] },
    { tag: '0028,1102', vr: 'US', value: [256, 0, 16] },
    { tag: '0028,1103', vr: 'US', value: [256, 0, 16] },
    { tag: '0028,1221', vr: 'OW', value: [0, 1, 0, 1, 255, 65535] },
    { tag: '0028,1222', vr: 'OW', value: [0, 1, 65535, 1, 255, 0] },
    { tag: '0028,1223', vr: 'OW', value: blue },
  ];
  return buildDicom(elements);
}

describe('16-bit segmented PALETTE COLOR', () => {
  it('decodes an image with segmented red, green and blue tables to the gray worked out by hand', async () => {
    const dicom = await openDicom(segmentedPaletteFile(), 'scan/aloka-like.dcm');
    expect(dicom.info.photometric).toBe('PALETTE COLOR');
    const { pixels } = await dicom.decodeFrame(0);
    const expected = Uint8Array.from({ length: 256 }, (_, i) => luma601(i, 255 - i, i <= 127 ? i : 156));
    expect(Array.from(pixels)).toEqual(Array.from(expected));
  });

  it('gives the same gray as the same tables written out in full', async () => {
    const full = (f: (i: number) => number) => Array.from({ length: 256 }, (_, i) => f(i));
    const pixels = Uint8Array.from({ length: 256 }, (_, i) => i);
    const plain = buildDicom([
      ...grayImageElements({ columns: 16, rows: 16, pixels, photometric: 'PALETTE COLOR' }),
      { tag: '0028,1101', vr: 'US', value: [256, 0, 16] },
      { tag: '0028,1102', vr: 'US', value: [256, 0, 16] },
      { tag: '0028,1103', vr: 'US', value: [256, 0, 16] },
      { tag: '0028,1201', vr: 'OW', value: full((i) => 257 * i) },
      { tag: '0028,1202', vr: 'OW', value: full((i) => 65535 - 257 * i) },
      { tag: '0028,1203', vr: 'OW', value: full((i) => (i <= 127 ? 256 * i : 40000)) },
    ]);
    const a = await (await openDicom(segmentedPaletteFile(), 'a.dcm')).decodeFrame(0);
    const b = await (await openDicom(plain, 'b.dcm')).decodeFrame(0);
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
  });

  it('refuses a damaged segmented table with a message that names the file, the channel and the fault', async () => {
    const damaged = segmentedPaletteFile([1, 255, 65535]); // a linear segment cannot come first
    const err = await openDicom(damaged, 'scan/broken.dcm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/scan\/broken\.dcm: Segmented Blue Palette Color Lookup Table Data: the first segment is linear/);
  });

  it('reports a table longer than its descriptor as a warning, keeping the first entries', () => {
    const long = segmentedPaletteFile([0, 1, 0, 1, 127, 32512, 0, 130, ...Array<number>(130).fill(40000)]);
    const { dataSet } = readDataset(long, 'long.dcm');
    const warnings: string[] = [];
    const palette = readPaletteGrayLut(dataSet, false, 'long.dcm', warnings);
    expect(palette.lut).toHaveLength(256);
    expect(warnings.join(' ')).toMatch(/Segmented Blue Palette Color Lookup Table Data: the segments expand to more than the 256 entries/);
  });
});
