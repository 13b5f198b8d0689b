/**
 * `autodvt eval <pipeline.yaml>`: run a pipeline over labelled input and print the
 * paper's Table 2 (P/R/F1 for O/C, LM1, LM2, BG + confusion matrices). Adds an
 * `evaluate` sink when the pipeline has none; `--out` writes JSON and Markdown.
 *
 * `autodvt eval <labelled files or folders...> [--model M | --compare A B]`: evaluate
 * models on your own labelled exams (docs/your-own-data.md): Table 2, per patient, per
 * exam, confusion matrices, exam verdict agreement; with --compare, both models on the
 * same windows and a seeded paired bootstrap interval for the F1 difference.
 */
import fs from 'node:fs';
import { loadPipelineFile, requireValid } from '../core/config/load-pipeline.js';
import { EXIT_OK, InputError } from '../core/errors.js';
import { runPipeline } from '../pipeline.js';
import { reportError } from './report-error.js';
import type { CliIo, CommandModule } from './commands.js';

const PIPELINE_FILE = /\.ya?ml$/i;

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'A pipeline file, or labelled media files / folders' })
      .option('set', { type: 'string', array: true, describe: 'Pipeline mode: override a value: --set source.exams=20' })
      .option('out', { type: 'string', describe: 'Also write <out>.json and <out>.md' })
      .option('model', { type: 'string', describe: 'Labelled files: the .onnx model (default: the shipped models/autodvt.onnx)' })
      .option('compare', { type: 'string', array: true, describe: 'Labelled files: two models, A B, side by side with the F1 difference B - A' })
      .option('manifest', { type: 'string', describe: "Labelled files: CSV file,subject giving each exam's patient" })
      .option('pipeline', { type: 'string', describe: 'Labelled files: use the preprocessing of this pipeline (its stages before sliding-window)' })
      .option('bootstrap', { type: 'number', default: 2000, describe: 'Bootstrap rounds for --compare' })
      .option('bootstrap-unit', { choices: ['patient', 'exam'] as const, default: 'patient' as const, describe: 'What the bootstrap resamples' })
      .option('seed', { type: 'number', default: 0, describe: 'Bootstrap seed' })
      .option('json', { type: 'boolean', default: false, describe: 'Labelled files: print JSON instead of the tables' }),
  async handler(args, io) {
    try {
      const inputs = args.inputs as string[];
      if (inputs.length === 1 && PIPELINE_FILE.test(inputs[0]!)) {
        const fileOnly = ['model', 'compare', 'manifest', 'pipeline', 'json'].filter((k) => args[k] !== undefined && args[k] !== false);
        if (fileOnly.length)
          throw new InputError(
            `--${fileOnly.join(', --')}: only for labelled files, not a pipeline file (set the model in the pipeline's onnx-inference stage)`,
            { scope: 'eval' },
          );
        return await evalPipeline(inputs[0]!, args, io);
      }
      if (args.set) throw new InputError('--set applies to a pipeline file, not to labelled files', { scope: 'eval' });
      return await evalLabelledFiles(inputs, args, io);
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};

async function evalPipeline(file: string, args: Record<string, any>, io: CliIo): Promise<number> {
  const loaded = loadPipelineFile(file, { set: args.set });
  const config = requireValid(loaded);
  const existing = config.sinks.find((s) => s.type === 'evaluate');
  if (existing) {
    if (args.out) existing.path = args.out;
  } else {
    config.sinks.push({ type: 'evaluate', print: true, title: 'Evaluation', ...(args.out ? { path: args.out } : {}) });
  }
  await runPipeline(config, { baseDir: loaded.baseDir, pipelineFile: loaded.file, locate: loaded.locate, stdout: io.stdout, stderr: io.stderr });
  return EXIT_OK;
}

async function evalLabelledFiles(inputs: string[], args: Record<string, any>, io: CliIo): Promise<number> {
  const compare = args.compare as string[] | undefined;
  const problems: string[] = [];
  if (compare && compare.length !== 2) problems.push(`--compare takes two models (A B), got ${compare.length}`);
  if (compare && args.model) problems.push('--model and --compare exclude each other');
  if (!Number.isInteger(args.bootstrap) || args.bootstrap < 1) problems.push(`--bootstrap ${args.bootstrap}: must be a whole number >= 1`);
  const { SHIPPED_MODEL_FILE } = await import('../train/train-own-model.js');
  const models: string[] = compare ?? [args.model ?? SHIPPED_MODEL_FILE];
  for (const m of models) if (!fs.existsSync(m)) problems.push(`${m}: no such model file`);
  if (problems.length) throw new InputError(problems.join('\n'), { scope: 'eval' });
  const { evaluateLabelledFiles } = await import('../evaluation/labelled-files-evaluation.js');
  const { labelledFilesMarkdown } = await import('../evaluation/labelled-files-markdown.js');
  const result = await evaluateLabelledFiles({
    inputs,
    models,
    manifest: args.manifest,
    pipeline: args.pipeline,
    rounds: args.bootstrap,
    seed: args.seed,
    unit: args.bootstrapUnit,
    progress: (line) => io.stderr.write(`${line}\n`),
  });
  const md = labelledFilesMarkdown(result);
  if (args.out) {
    fs.writeFileSync(`${args.out}.json`, JSON.stringify(result, null, 2));
    fs.writeFileSync(`${args.out}.md`, md);
  }
  io.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : md);
  return EXIT_OK;
}
