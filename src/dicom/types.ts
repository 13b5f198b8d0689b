/**
 * The public shapes of the DICOM reader: what `openDicom` learns from the header
 * (`DicomInfo`), and the 8-bit gray frames it decodes (`GrayFrame`).
 * None of them carries a patient attribute.
 */
import type { UltrasoundRegion } from '../core/events.js';

export interface DicomInfo {
  sopClassUid: string;
  sopClassName: string;
  /** True for the ultrasound SOP classes (and secondary captures whose Modality is US). */
  isUltrasound: boolean;
  transferSyntaxUid: string;
  transferSyntaxName: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  /** Nominal time between frames: FrameTime, FrameTimeVector, CineRate or RecommendedDisplayFrameRate. */
  frameTimeMs?: number;
  /** Presentation time of each frame in ms, starting at 0. */
  frameTimesMs: number[];
  /** The Sequence of Ultrasound Regions, in pixels, clipped to the image. */
  ultrasoundRegions: UltrasoundRegion[];
  manufacturer?: string;
  modelName?: string;
  modality?: string;
  /** What the tolerant reader had to guess or repair (never patient data). */
  warnings: string[];
}

/** One decoded frame: 8-bit gray, row-major, width*height bytes. */
export interface GrayFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface DicomFile {
  uri: string;
  info: DicomInfo;
  /** Decodes frame `index` (0-based) to 8-bit gray. */
  decodeFrame(index: number): Promise<GrayFrame>;
}

/** Sample values straight out of a decoder, before the photometric conversion. */
export interface DecodedPixels {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** One value per sample. */
  data: Uint8Array | Uint16Array | Int16Array;
  /** True when samples are stored plane by plane (RRR..GGG..BBB), false when interleaved (RGBRGB). */
  planar: boolean;
  /** 'rgb' when the codec already turned YBR into RGB (JPEG, JPEG 2000 with MCT). */
  colorSpace: 'declared' | 'rgb';
}
