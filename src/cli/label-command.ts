/**
 * `autodvt label <file|folder|pipeline.yaml>`: a local web page to label cine loops
 * (landmark, vein open / closed, unusable) into their labels sidecars. Serves on
 * 127.0.0.1 only, with a random token in the printed URL; runs until Ctrl-C.
 */
import os from 'node:os';
import { EXIT_BAD_INPUT, EXIT_OK } from '../core/errors.js';
import { startLabelling } from '../label/index.js';
import { reportError } from './report-error.js';
import { stopOnSignals } from './stop-on-signals.js';
import type { CommandModule } from './commands.js';

function defaultLabeller(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('input', {
        type: 'string',
        demandOption: true,
        describe: 'A DICOM or video file, a folder of them, or a pipeline .yaml (its source and text-removal stage)',
      })
      .option('port', { type: 'number', default: 8751, describe: 'Port on 127.0.0.1 (0 picks a free one)' })
      .option('labeller', { type: 'string', describe: 'Who labels, saved in each sidecar as labelledBy (default: the OS user name)' })
      .option('prelabels', {
        type: 'boolean',
        default: true,
        describe: "Show the model's predictions as pre-labels and open the loops it is least sure of first (--no-prelabels: off)",
      })
      .option('model', { type: 'string', describe: "The .onnx model for the pre-labels (default: the pipeline file's, else the shipped models/autodvt.onnx)" }),
  async handler(args, io) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr.write(`error: [label] --port ${String(args.port)}: give a port number 0-65535\n`);
      return EXIT_BAD_INPUT;
    }
    const labeller = typeof args.labeller === 'string' && args.labeller.trim() ? args.labeller.trim() : defaultLabeller();
    const stop = stopOnSignals(io.stderr, 'closing the labelling page');
    try {
      const labelling = await startLabelling({
        input: String(args.input),
        labelledBy: labeller,
        port,
        prelabels: args.prelabels !== false,
        model: typeof args.model === 'string' ? args.model : undefined,
        onError: (message) => io.stderr.write(`error: ${message}\n`),
      });
      io.stdout.write(`label: ${labelling.loops} loop${labelling.loops === 1 ? '' : 's'}, labelled by ${labeller}\n`);
      io.stdout.write(`label: open ${labelling.url}\n`);
      io.stdout.write('label: labels are saved to <file>.labels.json on every change; Ctrl-C to stop\n');
      await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
      await labelling.close();
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    } finally {
      stop.dispose();
    }
  },
};
