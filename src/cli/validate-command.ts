/** `autodvt validate <files...>`: both validation phases; every problem of every file at once. */
import { loadPipelineFile } from '../core/config/load-pipeline.js';
import { EXIT_BAD_INPUT, EXIT_OK, formatProblem, type ConfigProblem } from '../core/errors.js';
import { validateContext } from '../pipeline.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Pipeline YAML files', demandOption: true })
      .option('set', { type: 'string', array: true, describe: 'Override a value: --set stages[2].size=5' })
      .option('structure-only', { type: 'boolean', default: false, describe: 'Skip the context phase (no file or model checks)' }),
  async handler(args, io) {
    let failed = false;
    for (const file of args.files as string[]) {
      const loaded = loadPipelineFile(file, { set: args.set });
      let problems: ConfigProblem[] = loaded.problems;
      if (loaded.config && !args.structureOnly) {
        problems = [...problems, ...(await validateContext(loaded.config, { baseDir: loaded.baseDir, pipelineFile: file, locate: loaded.locate }))];
      }
      const errors = problems.filter((p) => p.severity === 'error');
      for (const p of problems) io.stderr.write(formatProblem(p) + '\n');
      if (errors.length > 0) {
        failed = true;
        io.stdout.write(`✖ ${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
      } else {
        io.stdout.write(`✔ ${file}${problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}\n`);
      }
    }
    return failed ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
