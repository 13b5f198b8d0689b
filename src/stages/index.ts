/** Every stage unit, registered explicitly. A test checks each is here. */
import { compressibilityStage } from './compressibility/index.js';
import { cropPadStage } from './crop-pad.js';
import { fieldOfViewStage } from './field-of-view.js';
import { onnxInferenceStage } from './onnx-inference/index.js';
import { physicalScaleStage } from './physical-scale.js';
import { resizeStage } from './resize.js';
import { saliencyStage } from './saliency/index.js';
import { slidingWindowStage } from './sliding-window.js';
import { textRemovalStage } from './text-removal/index.js';
import type { StageSpec } from '../core/unit.js';

export const stages: StageSpec<any>[] = [
  textRemovalStage,
  physicalScaleStage,
  cropPadStage,
  resizeStage,
  fieldOfViewStage,
  slidingWindowStage,
  saliencyStage,
  onnxInferenceStage,
  compressibilityStage,
];
