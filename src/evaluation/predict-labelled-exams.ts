/**
 * Run one model over labelled exams exactly as a deployed pipeline would (preprocessing,
 * sliding-window 9, onnx-inference, compressibility) and keep, per window, the true and
 * predicted classes, and per exam the verdict the pipeline reached.
 */
import { runInputPipeline } from '../train/run-input-pipeline.js';
import { windowPredictionOf, type WindowPrediction } from './window-prediction.js';
import type { ExamVerdict } from '../core/events.js';
import type { LabelledInput } from '../train/labelled-inputs.js';
import type { Preprocessing } from '../train/preprocessing.js';

export interface ModelPredictions {
  model: string;
  modelId?: string;
  windows: WindowPrediction[];
  /** Per exam (input order): the verdict of the exam event, when the pipeline reached one. */
  verdicts: (ExamVerdict | undefined)[];
}

export async function predictLabelledExams(o: {
  model: string;
  inputs: LabelledInput[];
  preprocessing: Preprocessing;
  progress: (line: string) => void;
  signal?: AbortSignal;
}): Promise<ModelPredictions> {
  const windows: WindowPrediction[] = [];
  const verdicts: (ExamVerdict | undefined)[] = [];
  let modelId: string | undefined;
  for (const [i, input] of o.inputs.entries()) {
    o.progress(`[eval] ${o.model}: ${i + 1}/${o.inputs.length} ${input.examId}`);
    let verdict: ExamVerdict | undefined;
    await runInputPipeline({
      input,
      preprocessing: o.preprocessing,
      stages: [{ type: 'sliding-window', size: 9 }, { type: 'onnx-inference', model: o.model, batch: 16 }, { type: 'compressibility' }],
      sinks: [{ type: 'evaluate', print: false }],
      signal: o.signal,
      tap: (event) => {
        if (event.kind === 'prediction') {
          modelId ??= event.modelId;
          windows.push(windowPredictionOf(event, i));
        } else if (event.kind === 'exam') verdict = event.verdict;
      },
    });
    verdicts.push(verdict);
  }
  return { model: o.model, modelId, windows, verdicts };
}
