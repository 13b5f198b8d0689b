import { describe, it, expect } from 'vitest';
import { checkPhotometric, luma, toGray } from '../../src/dicom/photometric-to-gray.js';
import type { PixelModule } from '../../src/dicom/pixel-module.js';
import type { DecodedPixels } from '../../src/dicom/types.js';
import { grayPixelModule } from '../helpers/pixel-module.js';

const base: PixelModule = grayPixelModule(3, 1);
const px = (data: DecodedPixels['data'], extra: Partial<DecodedPixels> = {}): DecodedPixels => ({
  width: 3,
  height: 1,
  samplesPerPixel: 1,
  data,
  planar: false,
  colorSpace: 'declared',
  ...extra,
});

describe('toGray', () => {
  it('keeps MONOCHROME2 bytes and inverts MONOCHROME1', () => {
    const data = Uint8Array.from([0, 100, 255]);
    expect([...toGray(px(data), base)]).toEqual([0, 100, 255]);
    expect([...toGray(px(data), { ...base, photometric: 'MONOCHROME1' })]).toEqual([255, 155, 0]);
    expect([...data]).toEqual([0, 100, 255]);
  });

  it('stretches 16-bit gray from min to max when there is no window', () => {
    const pm = { ...base, bitsAllocated: 16, bitsStored: 12 };
    expect([...toGray(px(Uint16Array.from([100, 600, 1100])), pm)]).toEqual([0, 128, 255]);
  });

  it('applies Window Center/Width after the rescale for 16-bit gray', () => {
    const pm = { ...base, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, rescaleIntercept: -1024, windowCenter: 40, windowWidth: 400 };
    expect([...toGray(px(Int16Array.from([0, 1064, 2000])), pm)]).toEqual([0, 128, 255]);
  });

  it('gives the same luma for interleaved and planar RGB', () => {
    const pm = { ...base, samplesPerPixel: 3, photometric: 'RGB' };
    const interleaved = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const planar = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const expected = [luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255)];
    expect(expected).toEqual([76, 150, 29]);
    expect([...toGray(px(interleaved, { samplesPerPixel: 3 }), pm)]).toEqual(expected);
    expect([...toGray(px(planar, { samplesPerPixel: 3, planar: true }), { ...pm, planarConfiguration: 1 })]).toEqual(expected);
  });

  it('takes the Y sample of YBR_FULL and rescales the Y of YBR_PARTIAL_422', () => {
    const ybr = Uint8Array.from([16, 128, 128, 235, 128, 128, 100, 0, 255]);
    expect([...toGray(px(ybr, { samplesPerPixel: 3 }), { ...base, samplesPerPixel: 3, photometric: 'YBR_FULL' })]).toEqual([16, 235, 100]);
    expect([...toGray(px(ybr, { samplesPerPixel: 3 }), { ...base, samplesPerPixel: 3, photometric: 'YBR_PARTIAL_422' })]).toEqual([0, 255, 98]);
  });

  it('maps PALETTE COLOR indices through the gray palette, clamping outside its range', () => {
    const palette = { firstMapped: 10, lut: Uint8Array.from([5, 6, 7]) };
    expect([...toGray(px(Uint8Array.from([0, 11, 200])), { ...base, photometric: 'PALETTE COLOR' }, palette)]).toEqual([5, 6, 7]);
  });
});

describe('checkPhotometric', () => {
  it('refuses an unsupported layout with a message that names the file', () => {
    expect(() => checkPhotometric(grayPixelModule(4, 4, { photometric: 'CMYK', samplesPerPixel: 4 }), 'exam/odd.dcm')).toThrow(
      /unsupported: Photometric Interpretation CMYK with 4 samples per pixel \(exam\/odd\.dcm\)/,
    );
  });
});
