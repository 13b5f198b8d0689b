/**
 * json-log — write events as NDJSON, one complete JSON object per line.
 *
 * Consumes: every event. Emits: nothing (a sink).
 * Parameters:
 *   path      output file (relative to the pipeline file); `-` for standard output
 *   kinds     which event kinds to write (default: all but `window`)
 *   append    append to an existing file instead of replacing it (default false)
 *   exposeText  write text recognised by text removal (patient data!) (default false)
 * Notes: each line is written with one synchronous write, so every line in the file
 *   is complete even if the process is killed; the first line is a header naming the
 *   schema and its version. Pixels and tensors are never written.
 *
 * ```yaml
 * - type: json-log
 *   path: out/events.ndjson
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { AutodvtError, formatError } from '../core/errors.js';
import { defineSink } from '../core/unit.js';
import { EVENT_LOG_SCHEMA, EVENT_LOG_VERSION, eventToJson } from './event-json.js';
import { sinkOperator } from './sink-operator.js';

const KINDS = ['frame', 'window', 'prediction', 'state', 'verdict', 'exam-start', 'exam', 'metrics', 'warning'] as const;

const schema = z
  .object({
    path: z.string().min(1).describe('Output NDJSON file, relative to the pipeline file; `-` for standard output.'),
    kinds: z
      .array(z.enum(KINDS))
      .default(['frame', 'prediction', 'state', 'verdict', 'exam-start', 'exam', 'metrics', 'warning'])
      .describe('Event kinds to write.'),
    append: z.boolean().default(false).describe('Append to an existing file instead of replacing it.'),
    exposeText: z.boolean().default(false).describe('Also write text that text removal recognised. It can identify a patient: off by default.'),
  })
  .strict();

export const jsonLogSink = defineSink({
  type: 'json-log',
  summary: 'Write events as NDJSON (one complete line per event, versioned schema).',
  schema,
  perExam: { paths: ['path'] },
  persistent: true,
  example: { type: 'json-log', path: 'out/events.ndjson' },
  stdout: (config) => (config.path === '-' ? 'data' : undefined),
  build(config, ctx) {
    const kinds = new Set<string>(config.kinds);
    return sinkOperator(() => {
      let fd: number;
      const toStdout = config.path === '-';
      const file = toStdout ? '-' : resolvePath(ctx, config.path);
      if (toStdout) fd = 1;
      else {
        try {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fd = fs.openSync(file, config.append ? 'a' : 'w');
        } catch (err) {
          throw new AutodvtError(`cannot open ${file} for writing: ${(err as Error).message}`, {
            scope: 'sink:json-log',
            category: 'config',
          });
        }
      }
      const writeLine = (obj: unknown) => fs.writeSync(fd, JSON.stringify(obj) + '\n');
      writeLine({ kind: 'log-header', schema: EVENT_LOG_SCHEMA, v: EVENT_LOG_VERSION, startedAt: new Date(ctx.clock.now()).toISOString() });
      return {
        write(event) {
          if (kinds.has(event.kind)) writeLine(eventToJson(event, { exposeText: config.exposeText }));
        },
        close(error) {
          if (error !== undefined) {
            writeLine({ kind: 'log-end', v: EVENT_LOG_VERSION, error: formatError(error, { oneLine: true }) });
          }
          if (!toStdout) {
            fs.fsyncSync(fd);
            fs.closeSync(fd);
          }
        },
      };
    });
  },
});
