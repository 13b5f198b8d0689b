/**
 * `autodvt eval <pipeline.yaml>`: run a pipeline over labelled input and print the
 * paper's Table 2 (P/R/F1 for O/C, LM1, LM2, BG + confusion matrices). Adds an
 * `evaluate` sink when the pipeline has none; `--out` writes JSON and Markdown.
 */
import { loadPipelineFile, requireValid } from '../config/load-pipeline.js';
import { EXIT_OK } from '../errors.js';
import { runPipeline } from '../pipeline.js';
import { reportError } from './report-error.js';
import type { CliCommand } from './commands.js';

export const evalCommand: CliCommand = {
  name: 'eval <pipeline>',
  describe: 'Run a pipeline over labelled input and print precision/recall/F1 as in the paper\'s Table 2',
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', demandOption: true })
      .option('set', { type: 'string', array: true, describe: 'Override a value: --set source.exams=20' })
      .option('out', { type: 'string', describe: 'Also write <out>.json and <out>.md' }),
  async handler(args, io) {
    try {
      const loaded = loadPipelineFile(args.pipeline, { set: args.set });
      const config = requireValid(loaded);
      const existing = config.sinks.find((s) => s.type === 'evaluate');
      if (existing) {
        if (args.out) existing.path = args.out;
      } else {
        config.sinks.push({ type: 'evaluate', print: true, title: 'Evaluation', ...(args.out ? { path: args.out } : {}) });
      }
      await runPipeline(config, { baseDir: loaded.baseDir, pipelineFile: loaded.file, stdout: io.stdout, stderr: io.stderr });
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
