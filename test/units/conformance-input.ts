/** Inputs for units whose example needs particular events (default: 12 frames of 150x150). */
import type { PipelineEvent } from '../../src/events.js';

export function conformanceInput(_type: string): PipelineEvent[] | undefined {
  return undefined;
}
