/** The procedural compression-ultrasound phantom (docs/phantom.md). */
export {
  createPhantomExam,
  DEFAULT_CLOSED_AREA_FRACTION,
  ARTERY_MIN_AREA_FRACTION,
  THROMBUS_MIN_AXIS_FRACTION,
  DEFAULT_IMAGING,
} from './exam.js';
export type {
  PhantomOptions,
  PhantomFrame,
  PhantomFrameLabels,
  PhantomFrameTruth,
  PhantomExam,
  PhantomVisit,
  PhantomImaging,
  ScannerSettings,
  ThrombusAge,
} from './types.js';
