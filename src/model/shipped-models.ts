/**
 * The model files that ship in the package (`models/`): the defaults of the
 * onnx-inference and saliency stages, and what `autodvt bench` measures. One home
 * for their paths, so no layer reaches into a stage's folder for them. The path is
 * the same depth from the package root under src/ and dist/.
 */
import path from 'node:path';

const MODELS_DIR = path.resolve(import.meta.dirname, '../../models');

/** The window model (9-frame stacks); its streaming form sits beside it as `autodvt.streaming.onnx`. */
export const SHIPPED_MODEL = path.join(MODELS_DIR, 'autodvt.onnx');
/** The same weights with Grad-CAM heatmaps as extra outputs. */
export const SHIPPED_GRADCAM_MODEL = path.join(MODELS_DIR, 'autodvt.gradcam.onnx');
