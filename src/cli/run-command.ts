/** `autodvt run <pipeline.yaml>`: validate (both phases), then run; Ctrl-C ends cleanly. */
import { loadPipelineFile, requireValid } from '../config/load-pipeline.js';
import { formatProblem, EXIT_OK } from '../errors.js';
import { runPipeline } from '../pipeline.js';
import { reportError } from './report-error.js';
import type { CliCommand } from './commands.js';

export const runCommand: CliCommand = {
  name: 'run <pipeline>',
  describe: 'Run a pipeline file',
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', describe: 'Pipeline YAML file', demandOption: true })
      .option('set', { type: 'string', array: true, describe: 'Override a value: --set stages[2].size=5 (repeatable)' }),
  async handler(args, io) {
    const loaded = loadPipelineFile(args.pipeline, { set: args.set });
    const abort = new AbortController();
    let interrupts = 0;
    const onSignal = (sig: string) => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      io.stderr.write(`\n${sig}: stopping — flushing sinks (press Ctrl-C again to quit at once)\n`);
      abort.abort();
    };
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      const config = requireValid(loaded);
      const result = await runPipeline(config, {
        baseDir: loaded.baseDir,
        pipelineFile: loaded.file,
        stdout: io.stdout,
        stderr: io.stderr,
        signal: abort.signal,
      });
      for (const w of result.configWarnings) io.stderr.write(formatProblem(w) + '\n');
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  },
};
