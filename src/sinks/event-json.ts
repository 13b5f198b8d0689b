/**
 * How events are written as JSON (json-log, eval outputs): typed arrays are never
 * dumped — a frame becomes its size, timing, labels and redaction boxes; a window
 * its shape and seqs. Recognised text in redactions is dropped unless allowed.
 * Versioned: every line carries `v` (EVENT_LOG_VERSION).
 */
import type { PipelineEvent, Saliency } from '../core/events.js';

export const EVENT_LOG_VERSION = 1;
export const EVENT_LOG_SCHEMA = 'autodvt.event-log';

export function eventToJson(event: PipelineEvent, opts: { exposeText?: boolean } = {}): Record<string, unknown> {
  switch (event.kind) {
    case 'frame': {
      const { pixels: _pixels, meta, ...rest } = event;
      return {
        v: EVENT_LOG_VERSION,
        ...rest,
        meta: {
          ...meta,
          redactions: meta.redactions?.map(({ text, ...box }) => (opts.exposeText && text !== undefined ? { ...box, text } : box)),
        },
      };
    }
    case 'window': {
      const { data: _data, saliency, ...rest } = event;
      return { v: EVENT_LOG_VERSION, ...rest, ...(saliency ? { saliency: saliencyToJson(saliency) } : {}) };
    }
    case 'prediction': {
      const { saliency, ...rest } = event;
      return { v: EVENT_LOG_VERSION, ...rest, ...(saliency ? { saliency: saliencyToJson(saliency) } : {}) };
    }
    default:
      return { v: EVENT_LOG_VERSION, ...event };
  }
}

/** A heatmap is written as its target and size, never its values. */
function saliencyToJson({ data: _data, ...rest }: Saliency): Record<string, unknown> {
  return rest;
}
