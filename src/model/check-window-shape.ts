/**
 * Phase-2 check shared by the stages that consume windows (onnx-inference, saliency):
 * the window arriving must be the model's input shape [1, 1, T, H, W].
 */
import type { ContextProblem, StreamShape } from '../core/unit.js';
import type { ModelInfo } from './model-info.js';

export function windowShapeProblems(info: ModelInfo, upstream: StreamShape, what: string, hint = ''): ContextProblem[] {
  const expected = [1, 1, info.frames, info.height, info.width];
  if (!upstream.windowShape) {
    return [{ message: `no sliding-window stage upstream: ${what} needs windows of frames`, severity: 'warning' }];
  }
  if (upstream.windowShape.join(',') !== expected.join(',')) {
    return [{ message: `the upstream window is [${upstream.windowShape.join(', ')}] but ${info.modelId} takes [${expected.join(', ')}]${hint}` }];
  }
  return [];
}
