/**
 * The events that flow through a pipeline: one discriminated union on `kind`.
 * Stages pass through every event they do not handle, so a sink further down sees
 * everything that happened upstream. See docs/architecture.md.
 */

export type Landmark = 'BG' | 'LM1' | 'LM2';
export const LANDMARKS: readonly Landmark[] = ['BG', 'LM1', 'LM2'];

/** Axis-aligned box in pixel coordinates of the frame it belongs to. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A region of the DICOM Sequence of Ultrasound Regions, in frame pixels. */
export interface UltrasoundRegion extends Box {
  /** 1 = 2D (B-mode), 2 = M-mode, 3 = spectral, ... (RegionSpatialFormat). */
  spatialFormat: number;
  /** 1 = tissue, 2 = color flow, ... (RegionDataType). */
  dataType: number;
  /** Millimetres per pixel along x and y, when the physical units are cm. */
  mmPerPixelX?: number;
  mmPerPixelY?: number;
}

/** A box a stage blanked out (e.g. burned-in text). Never carries the text itself unless asked. */
export interface Redaction extends Box {
  stage: string;
  confidence?: number;
  /** Only present when the pipeline sets `exposeText: true`. */
  text?: string;
}

/** Ground truth for one frame, from a labels sidecar or the phantom. */
export interface FrameLabels {
  landmark?: Landmark;
  /** true = vein open, false = vein closed (compressed). */
  open?: boolean;
  /** The landmark visit this frame belongs to has a thrombus. */
  thrombus?: boolean;
  /** Where burned-in text is (phantom only). */
  textBoxes?: Box[];
}

export interface FrameMeta {
  /** Millimetres per pixel (x, y), when known. */
  pixelSpacingMm?: { x: number; y: number };
  /** The B-mode region of the frame, when known (DICOM ultrasound regions or a crop). */
  usRegion?: Box;
  /** Every ultrasound region the file declares. */
  regions?: UltrasoundRegion[];
  /** Boxes removed by upstream stages. */
  redactions?: Redaction[];
}

export interface SourceRef {
  /** Where the frame came from (file path, device, URL). */
  uri: string;
  /** The exam this frame belongs to. */
  examId: string;
  /** Subject (patient) id when known: used to split datasets by subject. Never a real name. */
  subjectId?: string;
  /** Index of the frame inside its file (0-based). */
  frameIndex: number;
}

export interface FrameEvent {
  kind: 'frame';
  /** Monotone index over the whole run (gaps mean dropped frames). */
  seq: number;
  /** Presentation time in ms from the start of the exam. */
  ptsMs: number;
  /** Wall-clock time (ms since epoch, from the pipeline clock) when the frame entered the pipeline. */
  captureTimeMs?: number;
  width: number;
  height: number;
  /** 8-bit gray, row-major, width*height bytes. */
  pixels: Uint8Array;
  source: SourceRef;
  labels?: FrameLabels;
  meta: FrameMeta;
}

export interface WindowEvent {
  kind: 'window';
  /** seq of the newest frame in the window. */
  seq: number;
  ptsMs: number;
  captureTimeMs?: number;
  examId: string;
  /** The seqs of the frames the window covers, oldest first. */
  seqs: number[];
  /** Model layout [N=1, C=1, T, H, W], values = pixel / 255 in [0, 1]. */
  shape: [number, number, number, number, number];
  data: Float32Array;
  /** Labels of the newest frame. */
  labels?: FrameLabels;
  /** Pixel spacing of the newest frame (mm), when known. */
  pixelSpacingMm?: { x: number; y: number };
  /** Grad-CAM heatmap, when a `saliency` stage ran on this window (onnx-inference copies it to the prediction). */
  saliency?: Saliency;
}

/**
 * A Grad-CAM heatmap (see docs/saliency.md): what the named head looked at to reach its
 * predicted class, at the model's input size, for the newest frame of the window.
 */
export interface Saliency {
  target: 'vein' | 'landmark';
  width: number;
  height: number;
  /** Row-major width*height values in [0, 1] (1 = the peak). */
  data: Float32Array;
}

export interface LandmarkProbabilities {
  BG: number;
  LM1: number;
  LM2: number;
}

/**
 * Image-quality flags on a window: `frozen-frame` (its newest frame is byte-identical to
 * the one before), `no-bmode-region` (no ultrasound region is known for the frame),
 * `colour-flow` (a colour-flow region of the file covers most of the B-mode region).
 */
export type QualityFlag = 'frozen-frame' | 'no-bmode-region' | 'colour-flow';

/**
 * Whether a window looks like the model's training data (models/README.md,
 * "In-distribution score"). `unknown` windows never count toward a landmark visit or a
 * closure (docs/compressibility.md).
 */
export interface InDistribution {
  /** The model's in-distribution score (Mahalanobis distance of its pooled features; higher = less like training). */
  score: number;
  /** Windows scoring above this are unknown (from the model's metadata). */
  threshold: number;
  /**
   * The image-statistics score of the window's newest frame (src/model/image-statistics.ts),
   * when the model file carries its fitted statistics (`autodvt.image_statistics`).
   */
  image?: { score: number; threshold: number };
  /** Either score above its threshold, or a flag that makes a window unknown (`frozen-frame`). */
  unknown: boolean;
  /** Image-quality flags, when any. */
  flags?: QualityFlag[];
}

export interface PredictionEvent {
  kind: 'prediction';
  seq: number;
  ptsMs: number;
  captureTimeMs?: number;
  examId: string;
  landmark: LandmarkProbabilities;
  /** Probability that the vein is closed. */
  pClosed: number;
  modelId: string;
  /** Inference time attributed to this prediction (batch time / batch size). */
  latencyMs: number;
  labels?: FrameLabels;
  /** Grad-CAM heatmap for this window, when a `saliency` stage ran upstream (optional; costs time). */
  saliency?: Saliency;
  /** The in-distribution score, when the model has one (models fitted by training/fit_in_distribution.py). */
  inDistribution?: InDistribution;
  /**
   * Pixel spacing of the image the model read (mm), when the source knew it; absent when the
   * scale is unknown (the anatomy may then be any size: `physical-scale` could not normalise it).
   */
  pixelSpacingMm?: { x: number; y: number };
}

export interface StateEvent {
  kind: 'state';
  seq: number;
  ptsMs: number;
  captureTimeMs?: number;
  examId: string;
  landmark: Landmark;
  vein: 'open' | 'closed' | 'unknown';
  /** Smoothed probabilities after the temporal filter. */
  smoothed: { landmark: LandmarkProbabilities; pClosed: number };
  /** Why the state changed on this frame (empty when it did not). */
  reason?: string;
  /** This frame's window was `unknown` (unlike the training data): it did not count. */
  unknownWindow?: boolean;
}

export type VisitVerdict = 'compressible' | 'not-compressible' | 'inconclusive';

export interface VerdictEvent {
  kind: 'verdict';
  examId: string;
  landmark: Exclude<Landmark, 'BG'>;
  verdict: VisitVerdict;
  startMs: number;
  endMs: number;
  /** How the verdict was reached: each transition with its reason. */
  explain: string[];
  evidence: { framesClosed: number; framesOpen: number; compressionCycles: number };
  disclaimer: string;
}

export type ExamVerdict = '2-point exam negative at the examined landmarks' | 'refer for specialist ultrasound' | 'incomplete';

export interface ExamStartEvent {
  kind: 'exam-start';
  examId: string;
  uri: string;
  subjectId?: string;
  /** Frames expected, when the source knows. */
  expectedFrames?: number;
  /** Nominal frame rate, when the source knows. */
  fps?: number;
}

export interface ExamEvent {
  kind: 'exam';
  examId: string;
  uri: string;
  frames: number;
  durationMs: number;
  /** Present when a compressibility stage ran. */
  verdict?: ExamVerdict;
  landmarks?: Partial<Record<'LM1' | 'LM2', VisitVerdict | 'not-examined'>>;
  /**
   * Set when the exam ended early (error, device loss, interrupt), or when most of its
   * windows were unlike the model's training data.
   */
  incompleteReason?: string;
  /** Windows scored and how many were unknown (when the model has an in-distribution score). */
  inDistribution?: { windows: number; unknown: number };
  disclaimer?: string;
}

export interface MetricsEvent {
  kind: 'metrics';
  atMs: number;
  counters: Record<string, number>;
  latencyMs?: { p50: number; p95: number; p99: number };
}

export interface WarningEvent {
  kind: 'warning';
  atMs: number;
  /** Unit that raised it, e.g. `stage:text-removal`. */
  scope: string;
  message: string;
  examId?: string;
  seq?: number;
}

export type PipelineEvent = FrameEvent | WindowEvent | PredictionEvent | StateEvent | VerdictEvent | ExamStartEvent | ExamEvent | MetricsEvent | WarningEvent;

export type EventKind = PipelineEvent['kind'];

export const DISCLAIMER = 'Research software, not a medical device: not for diagnosis or clinical decisions.';
