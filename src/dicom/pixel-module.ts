/**
 * The Image Pixel module of a dataset: size, sample layout, photometric
 * interpretation and the grayscale transforms (rescale, window) a 16-bit frame needs.
 */
import type { DataSet } from 'dicom-parser';
import { InputError } from '../core/errors.js';

export interface PixelModule {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  /** 0 interleaved (RGBRGB), 1 planar (RRR..GGG..BBB). */
  planarConfiguration: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
}

export function readPixelModule(ds: DataSet, uri: string, warnings: string[]): PixelModule {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  if (!rows || !columns) {
    throw new InputError(`${uri}: no image: Rows (0028,0010) or Columns (0028,0011) is missing or 0`, { scope: 'dicom' });
  }
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  if (![1, 8, 16].includes(bitsAllocated)) {
    throw new InputError(`${uri}: Bits Allocated (0028,0100) is ${bitsAllocated || 'missing'}; expected 1, 8 or 16`, {
      scope: 'dicom',
    });
  }
  let photometric = (ds.string('x00280004') ?? '').trim().toUpperCase();
  if (!photometric) {
    photometric = 'MONOCHROME2';
    warnings.push('Photometric Interpretation (0028,0004) missing: assumed MONOCHROME2');
  }
  const samplesPerPixel = ds.uint16('x00280002') ?? (photometric.startsWith('MONO') || photometric === 'PALETTE COLOR' ? 1 : 3);
  const frames = readNumberOfFrames(ds, uri);
  const windowWidth = ds.floatString('x00281051');
  return {
    rows,
    columns,
    frames,
    samplesPerPixel,
    photometric,
    bitsAllocated,
    bitsStored: Math.min(ds.uint16('x00280101') ?? bitsAllocated, bitsAllocated),
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    rescaleSlope: ds.floatString('x00281053') || 1,
    rescaleIntercept: ds.floatString('x00281052') ?? 0,
    windowCenter: ds.floatString('x00281050'),
    windowWidth: windowWidth && windowWidth > 0 ? windowWidth : undefined,
  };
}

/**
 * Number of Frames (0028,0008): 1 when absent or empty; a positive whole number
 * otherwise, or the file is refused (a corrupt value must not silently become a
 * one-frame exam).
 */
function readNumberOfFrames(ds: DataSet, uri: string): number {
  const raw = (ds.string('x00280008') ?? '').replace(/\0/g, '').trim();
  if (raw === '') return 1;
  const frames = /^\+?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(frames) || frames < 1) {
    throw new InputError(`${uri}: Number of Frames (0028,0008) is "${raw.slice(0, 32)}", not a positive whole number`, {
      scope: 'dicom',
      hint: 'the header is corrupt',
    });
  }
  return frames;
}

/** Bytes one uncompressed frame takes (YBR_FULL_422 stores two samples per pixel). */
export function nativeFrameBytes(pm: PixelModule): number {
  const pixels = pm.rows * pm.columns;
  if (pm.bitsAllocated === 1) return Math.ceil((pixels * pm.samplesPerPixel) / 8);
  const samples = pm.photometric === 'YBR_FULL_422' || pm.photometric === 'YBR_PARTIAL_422' ? pixels * 2 : pixels * pm.samplesPerPixel;
  return samples * (pm.bitsAllocated / 8);
}
