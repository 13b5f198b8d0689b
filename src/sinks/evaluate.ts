/**
 * evaluate — compare predictions with the frame labels and report the paper's Table 2:
 * precision, recall and F1 for O/C, LM1, LM2 and BG, plus confusion matrices.
 *
 * Consumes: `prediction` events carrying labels (from a labelled source: the phantom,
 *   or a labels sidecar). Emits: nothing (a sink).
 * Parameters:
 *   path     write `<path>.json` and `<path>.md` (optional; relative to the pipeline file)
 *   print    print the table at the end (default true)
 *   title    heading of the table
 * Notes: the predicted class is the arg-max; pClosed >= 0.5 means closed.
 *
 * ```yaml
 * - type: evaluate
 *   path: out/eval
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { emptyConfusion, table2, table2Markdown } from '../evaluation/classification-metrics.js';
import { defineSink } from '../core/unit.js';
import { sinkOperator } from './sink-operator.js';
import type { Landmark } from '../core/events.js';

const IDX: Record<Landmark, number> = { BG: 0, LM1: 1, LM2: 2 };

const schema = z
  .object({
    path: z.string().min(1).optional().describe('Write <path>.json and <path>.md with the table (relative to the pipeline file).'),
    print: z.boolean().default(true).describe('Print the table when the stream ends.'),
    title: z.string().default('Evaluation').describe('Heading of the table.'),
  })
  .strict();

export const evaluateSink = defineSink({
  type: 'evaluate',
  events: { needs: ['prediction'] },
  summary: "Precision, recall and F1 of predictions against frame labels (the paper's Table 2 layout).",
  schema,
  perExam: { paths: ['path'] },
  example: { type: 'evaluate', print: true },
  stdout: (config) => (config.print ? 'status' : undefined),
  build(config, ctx) {
    return sinkOperator(() => {
      const landmark = emptyConfusion(3);
      const vein = emptyConfusion(2);
      let predictions = 0;
      return {
        write(event) {
          if (event.kind !== 'prediction') return;
          predictions++;
          const p = event.landmark;
          const predicted = p.BG >= p.LM1 && p.BG >= p.LM2 ? 0 : p.LM1 >= p.LM2 ? 1 : 2;
          if (event.labels?.landmark) landmark[IDX[event.labels.landmark]]![predicted]!++;
          if (event.labels?.open !== undefined) vein[event.labels.open ? 0 : 1]![event.pClosed >= 0.5 ? 1 : 0]!++;
        },
        close() {
          const table = table2(landmark, vein, predictions);
          const md = table2Markdown(table, config.title);
          if (config.print) ctx.stdout.write(md);
          if (config.path) {
            const base = resolvePath(ctx, config.path);
            fs.mkdirSync(path.dirname(base), { recursive: true });
            fs.writeFileSync(`${base}.json`, JSON.stringify(table, null, 2));
            fs.writeFileSync(`${base}.md`, md);
          }
        },
      };
    });
  },
});
