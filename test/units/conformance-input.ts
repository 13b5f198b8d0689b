/** Inputs and config tweaks for units whose example needs particular events or files. */
import path from 'node:path';
import type { PipelineEvent } from '../../src/events.js';
import { examEvents } from '../helpers/frames.js';

const root = path.resolve(import.meta.dirname, '../..');

export function conformanceInput(type: string): PipelineEvent[] | undefined {
  if (type === 'onnx-inference') {
    const events = examEvents(3);
    const window: PipelineEvent = {
      kind: 'window',
      seq: 2,
      ptsMs: 66,
      examId: 'exam-1',
      seqs: [0, 1, 2, 2, 2, 2, 2, 2, 2],
      shape: [1, 1, 9, 150, 150],
      data: new Float32Array(9 * 150 * 150).fill(0.5),
    };
    return [...events.slice(0, -1), window, events.at(-1)!];
  }
  return undefined;
}

/** Config overrides applied on top of a unit's example in the conformance suite. */
export function conformanceConfig(type: string): Record<string, unknown> {
  if (type === 'onnx-inference') return { model: path.join(root, 'models/test/tiny-random.onnx'), batch: 2 };
  return {};
}
