/** Public types of the procedural phantom (see docs/phantom.md). */
import type { Box, ExamVerdict, Landmark } from '../core/events.js';
import type { PhantomImaging, ScannerSettings, ThrombusAge } from './scanner.js';

export type { PhantomImaging, ScannerSettings, ThrombusAge } from './scanner.js';

export interface PhantomOptions {
  /** Same seed and options give byte-identical frames. */
  seed: number;
  /**
   * Frame (screen) size. Default: chosen per subject among scanner screen sizes
   * (640x480 .. 1280x720 and DICOM-like sizes) with a vendor frame, or 600x600
   * without one.
   */
  width?: number;
  height?: number;
  /** Frames per second (default 30). */
  fps?: number;
  /** Exam length in seconds (default: 14-20 s, varies per subject). */
  durationS?: number;
  /** Fraction of landmark visits with a thrombus (default 0.2). */
  thrombusFraction?: number;
  /** Draw the B-mode inside a scanner screen with burned-in text (default true). */
  vendorFrame?: boolean;
  /**
   * The vein counts as closed when its lumen area is below this fraction of its
   * resting area (default 0.1, the paper's pixel-count threshold idea).
   */
  closedAreaFraction?: number;
  /**
   * How the B-mode image is formed (docs/phantom.md): `classic`, the first phantom's
   * look (the default, which the shipped model was trained on), or `scanner`, a
   * simple B-mode simulation with scanner and operator variation. Labels and truth
   * are the same for both.
   */
  imaging?: PhantomImaging;
  /*
   * Overrides for robustness sweeps (scripts/robustness-sweep.ts, docs/phantom.md
   * "Robustness sweep"). Left out, each keeps the subject's drawn value and the frames are
   * byte-identical to a phantom without it; labels and truth never depend on them.
   */
  /**
   * Imaging depth in mm (default: drawn per subject; classic 35-50, scanner 25-60 linear or
   * 45-80 curved). The anatomy stays the one drawn for the subject's own depth when that is
   * shallower (a deeper setting shows the same tissue smaller), else it is laid out for this
   * depth so the vessels stay in view. Scanner look: the frequency follows the depth as the
   * operator's choice does, and the focus keeps its fraction of the depth.
   */
  depthMm?: number;
  /** Multiplies the speckle point-spread function (lateral and axial), so the speckle grain in mm (default 1). */
  speckleGrainScale?: number;
  /**
   * Multiplies the B-mode image's mm per pixel at the same depth (default 1): the screen
   * (drawn per subject, or `width` x `height`) and the B-mode region in it are rendered at
   * 1/scale their size in pixels, as a capture of the same screen at another resolution.
   */
  mmPerPxScale?: number;
  /** Display gain in dB added to the subject's drawn gain (default 0). */
  gainDb?: number;
  /**
   * Extra per-frame noise on the displayed B-mode image: standard deviation in gray levels
   * (default 0), independent per pixel and frame (black outside a curved array's fan stays black).
   */
  noiseGray?: number;
}

export interface PhantomFrameLabels {
  landmark: Landmark;
  /** Main vein open (lumen area >= closedAreaFraction * resting area). */
  open: boolean;
  /** This frame belongs to a landmark visit with a thrombus. */
  thrombus: boolean;
  /** Burned-in text boxes (frame pixels). */
  textBoxes: Box[];
}

export interface PhantomFrameTruth {
  /** Lumen area of the scene's main vein now and at rest (0 and 0 when the scene has none). */
  veinAreaPx: number;
  veinRestAreaPx: number;
  /** Lumen area of the scene's largest artery now and at rest (0 and 0 when none). */
  arteryAreaPx: number;
  arteryRestAreaPx: number;
  /** Index into exam.truth.visits, or -1 outside landmark visits. */
  visitIndex: number;
  /** Probe pressure in [0, 1]. */
  pressure: number;
}

export interface PhantomFrame {
  index: number;
  ptsMs: number;
  width: number;
  height: number;
  /** gray8, row-major, width*height bytes. */
  pixels: Uint8Array;
  labels: PhantomFrameLabels;
  truth: PhantomFrameTruth;
  /** The B-mode image inside the screen. */
  usRegion: Box;
  pixelSpacingMm: { x: number; y: number };
}

export interface PhantomVisit {
  landmark: 'LM1' | 'LM2';
  /** Inclusive frame range labelled with this landmark. */
  startFrame: number;
  endFrame: number;
  thrombus: boolean;
  /** Scanner look only: the clot's age (acute, subacute, chronic). */
  thrombusAge?: ThrombusAge;
}

export interface PhantomExam {
  examId: string;
  subjectId: string;
  /** Fake identity burned into the screen and written to DICOM (never real). */
  patient: { name: string; id: string; date: string; time: string };
  fps: number;
  frameCount: number;
  width: number;
  height: number;
  usRegion: Box;
  pixelSpacingMm: { x: number; y: number };
  closedAreaFraction: number;
  imaging: PhantomImaging;
  /** Scanner look only: the scanner and operator settings drawn for this subject. */
  scanner?: ScannerSettings;
  truth: { visits: PhantomVisit[]; verdict: ExamVerdict };
  /** Frames, generated lazily and deterministically; each call starts at frame 0. */
  frames(options?: { reusePixels?: boolean }): Iterable<PhantomFrame>;
  /** Render one frame (any order). */
  frame(index: number, into?: Uint8Array): PhantomFrame;
  /** Labels and truth of one frame without rendering it. */
  frameInfo(index: number): Omit<PhantomFrame, 'pixels'>;
}
