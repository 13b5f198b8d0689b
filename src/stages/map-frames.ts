/**
 * The operator most image stages are: apply a function to every `frame` event and
 * pass every other event through unchanged, in order.
 */
import { map, type OperatorFunction } from 'rxjs';
import type { FrameEvent, PipelineEvent } from '../core/events.js';

export function mapFrames(fn: (frame: FrameEvent) => FrameEvent): OperatorFunction<PipelineEvent, PipelineEvent> {
  return map((event) => (event.kind === 'frame' ? fn(event) : event));
}
