import type { PixelModule } from '../../src/dicom/pixel-module.js';

/** An 8-bit MONOCHROME2 pixel module of the given size, no rescale and no window, with overrides. */
export function grayPixelModule(columns: number, rows: number, overrides: Partial<PixelModule> = {}): PixelModule {
  return {
    rows,
    columns,
    frames: 1,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    bitsAllocated: 8,
    bitsStored: 8,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    ...overrides,
  };
}
