/** Ground-truth labels next to media files (docs/labels-sidecar.md). */
export {
  labelsSidecarSchema,
  sidecarPathFor,
  parseLabelsSidecar,
  readLabelsSidecar,
  labelsForFrame,
  segmentsFromFrames,
  writeLabelsSidecar,
  formatLabelsSidecar,
} from './sidecar.js';
export type { LabelsSidecar, SidecarFrameLabel, SidecarSegment } from './sidecar.js';
