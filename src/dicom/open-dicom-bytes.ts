/**
 * `openDicom(bytes, uri)`: reads the header of a DICOM file and returns its
 * description (`info`) and a `decodeFrame(i)` that yields 8-bit gray frames.
 *
 * Consumes: the bytes of a DICOM Part 10 file (or a bare dataset, guessed tolerantly).
 * Emits: `DicomFile`; frames decode lazily, codecs load on first use.
 * Refuses (UnsupportedError, scope `dicom`): transfer syntaxes with no decoder here
 * (video, HTJ2K, JPEG XL, deflated image frames), photometric layouts other than
 * 1-sample gray/palette and 3-sample RGB/YBR, float pixel data.
 * Refuses (InputError) before allocating anything: declared sizes the pixel data cannot
 * hold or beyond sane limits (check-declared-size.ts), a deflated dataset that inflates
 * past its budget. `options.signal` stops inflation at once.
 * Non-ultrasound objects open and decode; `info.isUltrasound` says what they are.
 */
import type { DataSet, Element } from 'dicom-parser';
import { InputError, UnsupportedError } from '../core/errors.js';
import type { DecodedPixels, DicomFile, DicomInfo, GrayFrame } from './types.js';
import { readDataset } from './read-dataset.js';
import { transferSyntax, type TransferSyntax } from './transfer-syntaxes.js';
import { isUltrasoundSopClass, sopClassName } from './sop-classes.js';
import { readPixelModule, type PixelModule } from './pixel-module.js';
import { checkDeclaredSize } from './check-declared-size.js';
import { inflateDeflatedDataset } from './inflate-deflated-dataset.js';
import { readFrameTiming } from './frame-timing.js';
import { readUltrasoundRegions } from './ultrasound-regions.js';
import { readNativeFrame } from './native-frames.js';
import { encapsulatedFrameReader, type FrameReader } from './encapsulated-frames.js';
import { decodeRle } from './decode-rle.js';
import { decodeJpeg } from './decode-jpeg.js';
import { decodeJpegLossless } from './decode-jpeg-lossless.js';
import { decodeJpegLs } from './decode-jpeg-ls.js';
import { decodeJpeg2000 } from './decode-jpeg2000.js';
import { readPaletteGrayLut } from './palette-lut.js';
import { checkPhotometric, toGray } from './photometric-to-gray.js';

const UNDEFINED_LENGTH = 0xffffffff;

export interface OpenDicomOptions {
  /** Aborting stops the inflation of a deflated dataset or a zip. */
  signal?: AbortSignal;
}

export async function openDicom(bytes: Uint8Array, uri: string, options: OpenDicomOptions = {}): Promise<DicomFile> {
  const prepared = await inflateDeflatedDataset(bytes, uri, options.signal);
  const { dataSet: ds, transferSyntaxUid, warnings, truncated } = readDataset(prepared.bytes, uri, { datasetInflated: prepared.datasetInflated });
  const ts = transferSyntax(transferSyntaxUid);
  if (ts.pixelEncoding === 'unsupported') {
    throw new UnsupportedError(`${uri}: transfer syntax ${ts.name} (${ts.uid}): ${ts.refusal}`, {
      scope: 'dicom',
      hint: 'transcode the file to an uncompressed or JPEG transfer syntax first (e.g. dcmtk dcmconv +te / gdcmconv --raw)',
    });
  }

  const pixel = ds.elements.x7fe00010;
  if (!pixel) {
    const floatData = ds.elements.x7fe00008 || ds.elements.x7fe00009;
    if (floatData) throw new UnsupportedError(`${uri}: float pixel data (7FE0,0008/0009)`, { scope: 'dicom' });
    throw new InputError(`${uri}: no Pixel Data (7FE0,0010): not an image`, { scope: 'dicom' });
  }
  const pm = readPixelModule(ds, uri, warnings);
  checkPhotometric(pm, uri);
  const palette = pm.photometric === 'PALETTE COLOR' ? readPaletteGrayLut(ds, pm.pixelRepresentation === 1, uri, warnings) : undefined;

  const sopClassUid = (ds.string('x00080016') ?? '').replace(/\0/g, '');
  const modality = ds.string('x00080060');
  const encapsulated = pixel.encapsulatedPixelData === true || pixel.length === UNDEFINED_LENGTH;
  checkDeclaredSize(pm, pixel, encapsulated, truncated, uri);
  const decodePixels = frameDecoder(ds, pixel, { encapsulated, truncated }, ts, pm, uri, warnings);
  const timing = readFrameTiming(ds, pm.frames, warnings, uri);
  const info: DicomInfo = {
    sopClassUid,
    sopClassName: sopClassName(sopClassUid),
    isUltrasound: isUltrasoundSopClass(sopClassUid, modality),
    transferSyntaxUid: ts.uid,
    transferSyntaxName: ts.name,
    rows: pm.rows,
    columns: pm.columns,
    frames: pm.frames,
    samplesPerPixel: pm.samplesPerPixel,
    photometric: pm.photometric,
    bitsAllocated: pm.bitsAllocated,
    bitsStored: pm.bitsStored,
    frameTimesMs: timing.frameTimesMs,
    ultrasoundRegions: readUltrasoundRegions(ds, pm.columns, pm.rows, warnings),
    warnings,
  };
  if (timing.frameTimeMs !== undefined) info.frameTimeMs = timing.frameTimeMs;
  const manufacturer = ds.string('x00080070');
  const modelName = ds.string('x00081090');
  if (manufacturer) info.manufacturer = manufacturer;
  if (modelName) info.modelName = modelName;
  if (modality) info.modality = modality;

  return {
    uri,
    info,
    async decodeFrame(index: number): Promise<GrayFrame> {
      if (!Number.isInteger(index) || index < 0 || index >= pm.frames) {
        throw new InputError(`${uri}: frame ${index} does not exist (the file has ${pm.frames})`, { scope: 'dicom' });
      }
      const px = await decodePixels(index);
      if (px.width !== pm.columns || px.height !== pm.rows || px.samplesPerPixel !== pm.samplesPerPixel) {
        throw new InputError(
          `${uri}: frame ${index} decodes to ${px.width}x${px.height}x${px.samplesPerPixel}, ` +
            `but the header says ${pm.columns}x${pm.rows}x${pm.samplesPerPixel}`,
          { scope: 'dicom' },
        );
      }
      return { width: pm.columns, height: pm.rows, pixels: toGray(px, pm, palette) };
    },
  };
}

/** Picks how frame i's samples are obtained: sliced from native data, or a frame's fragments through its codec. */
function frameDecoder(
  ds: DataSet,
  pixel: Element,
  { encapsulated, truncated }: { encapsulated: boolean; truncated: boolean },
  ts: TransferSyntax,
  pm: PixelModule,
  uri: string,
  warnings: string[],
): (index: number) => Promise<DecodedPixels> {
  if (ts.pixelEncoding === 'native') {
    if (encapsulated) {
      throw new InputError(`${uri}: pixel data is encapsulated, but the transfer syntax ${ts.name} is not`, { scope: 'dicom' });
    }
    const native = { byteArray: ds.byteArray as Uint8Array, dataOffset: pixel.dataOffset, length: pixel.length, bigEndian: Boolean(ts.bigEndian) };
    return async (i) => readNativeFrame(native, pm, i, uri);
  }

  if (!encapsulated) {
    throw new InputError(`${uri}: transfer syntax ${ts.name} needs encapsulated pixel data, but it is native`, { scope: 'dicom' });
  }
  const endsWithEoi = ts.pixelEncoding === 'jpeg' || ts.pixelEncoding === 'jpeg-lossless' || ts.pixelEncoding === 'jpeg-ls' || ts.pixelEncoding === 'jpeg2000';
  const readFrame: FrameReader = encapsulatedFrameReader(ds, pixel, pm.frames, { endsWithEoi, truncated }, uri, warnings);
  const signed = pm.pixelRepresentation === 1;

  switch (ts.pixelEncoding) {
    case 'encapsulated-native':
      return async (i) => {
        const bytes = readFrame(i);
        return readNativeFrame({ byteArray: bytes, dataOffset: 0, length: bytes.length, bigEndian: false }, pm, 0, uri);
      };
    case 'rle':
      return async (i) =>
        decodeRle(readFrame(i), { rows: pm.rows, columns: pm.columns, samplesPerPixel: pm.samplesPerPixel, bitsAllocated: pm.bitsAllocated, signed }, i, uri);
    case 'jpeg':
      return (i) => decodeJpeg(readFrame(i), i, uri);
    case 'jpeg-lossless':
      return (i) => decodeJpegLossless(readFrame(i), pm.bitsAllocated, signed, i, uri);
    case 'jpeg-ls':
      return (i) => decodeJpegLs(readFrame(i), signed, i, uri);
    case 'jpeg2000':
      return (i) => decodeJpeg2000(readFrame(i), pm.photometric, i, uri);
    default:
      throw new UnsupportedError(`${uri}: transfer syntax ${ts.name} (${ts.uid})`, { scope: 'dicom' });
  }
}
