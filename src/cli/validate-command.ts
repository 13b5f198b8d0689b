/**
 * `autodvt validate <files...>`: both validation phases; every problem of every file at once.
 * `--json`: one object on stdout instead (`{ ok, files: [{ file, ok, errors, warnings, problems }] }`),
 * each problem with its file, line, column, path, unit type, message and severity.
 */
import { loadPipelineFile } from '../core/config/load-pipeline.js';
import { EXIT_BAD_INPUT, EXIT_OK, formatProblem, type ConfigProblem } from '../core/errors.js';
import { validateContext } from '../pipeline.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Pipeline YAML files', demandOption: true })
      .option('set', { type: 'string', array: true, describe: 'Override a value: --set stages[2].size=5' })
      .option('structure-only', { type: 'boolean', default: false, describe: 'Skip the context phase (no file or model checks)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (every problem with its file and line) instead of text' }),
  async handler(args, io) {
    let failed = false;
    const report: { file: string; ok: boolean; errors: number; warnings: number; problems: ConfigProblem[] }[] = [];
    for (const file of args.files as string[]) {
      const loaded = loadPipelineFile(file, { set: args.set });
      let problems: ConfigProblem[] = loaded.problems;
      if (loaded.config && !args.structureOnly) {
        problems = [...problems, ...(await validateContext(loaded.config, { baseDir: loaded.baseDir, pipelineFile: file, locate: loaded.locate }))];
      }
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) failed = true;
      if (args.json) {
        report.push({ file, ok: errors.length === 0, errors: errors.length, warnings: problems.length - errors.length, problems });
        continue;
      }
      for (const p of problems) io.stderr.write(formatProblem(p) + '\n');
      if (errors.length > 0) {
        io.stdout.write(`✖ ${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
      } else {
        io.stdout.write(`✔ ${file}${problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}\n`);
      }
    }
    if (args.json) io.stdout.write(JSON.stringify({ ok: !failed, files: report }, null, 2) + '\n');
    return failed ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
