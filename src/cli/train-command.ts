/**
 * `autodvt train <labelled files or folders...> --out models/mine.onnx`: from a user's
 * labelled exams to a model of their own (docs/your-own-data.md). Fine-tunes the
 * shipped model by default (`--from-scratch` otherwise); progress on stderr; `--json`
 * prints the result (every input by sha256) on stdout; `--resume` continues an
 * interrupted run from its last finished epoch.
 */
import { EXIT_OK } from '../core/errors.js';
import { reportError } from './report-error.js';
import { stopOnSignals } from './stop-on-signals.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'Labelled media files or folders of them' })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'The model to write (.onnx); its streaming form, references and model card (.md) go beside it',
      })
      .option('manifest', {
        type: 'string',
        describe: 'CSV with columns file,subject: the patient of each exam (else the sidecar subjectId, else the DICOM PatientID)',
      })
      .option('pipeline', {
        type: 'string',
        describe: 'Train behind the preprocessing of this pipeline file (its stages before sliding-window); default crop-pad 600 + resize 150',
      })
      .option('from-scratch', { type: 'boolean', default: false, describe: 'Train a new network instead of fine-tuning the shipped model' })
      .option('init', { type: 'string', describe: 'The .onnx model to fine-tune (default: the shipped models/autodvt.onnx)' })
      .option('epochs', { type: 'number', default: 3, describe: 'Training epochs (the best validation epoch is kept)' })
      .option('windows-per-epoch', { type: 'number', default: 2048, describe: 'Windows drawn per epoch (0 = every training window once)' })
      .option('batch', { type: 'number', default: 32 })
      .option('lr', { type: 'number', describe: 'Learning rate (default 3e-4 fine-tuning, 1e-3 from scratch)' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the patient split and the training' })
      .option('train', { type: 'number', default: 0.6, describe: 'Share of patients for training' })
      .option('val', { type: 'number', default: 0.2, describe: 'Share of patients for validation (the rest is test)' })
      .option('work', { type: 'string', describe: 'Work folder (default <out without .onnx>.work): preprocessed exams and a checkpoint per epoch' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue from the last finished epoch in the work folder' })
      .option('device', { choices: ['auto', 'cpu', 'cuda'] as const, default: 'auto' as const, describe: 'auto: CUDA when PyTorch sees a GPU' })
      .option('threads', { type: 'number', describe: 'PyTorch CPU threads' })
      .option('in-distribution', {
        type: 'boolean',
        default: true,
        describe: 'Fit the model-feature in-distribution score (minutes; --no-in-distribution skips it; the image statistics are always fitted)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
  async handler(args, io) {
    const stop = stopOnSignals(io.stderr, 'training (run again with --resume to continue)');
    try {
      const { trainOwnModel } = await import('../train/train-own-model.js');
      const result = await trainOwnModel({
        inputs: args.inputs as string[],
        out: args.out,
        manifest: args.manifest,
        pipeline: args.pipeline,
        fromScratch: args.fromScratch,
        init: args.init,
        epochs: args.epochs,
        windowsPerEpoch: args.windowsPerEpoch,
        batch: args.batch,
        lr: args.lr,
        seed: args.seed,
        trainFraction: args.train,
        valFraction: args.val,
        workDir: args.work,
        resume: args.resume,
        device: args.device,
        threads: args.threads,
        inDistribution: args.inDistribution,
        command: commandLine(args),
        progress: (line) => io.stderr.write(`${line}\n`),
        signal: stop.signal,
      });
      if (args.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const t = result.test;
        io.stdout.write(`wrote ${result.model} (${result.modelId ?? 'model'}) and its model card ${result.modelCard}\n`);
        if (t) io.stdout.write(`test F1: O/C ${t['O/C']?.toFixed(3)} LM1 ${t.LM1?.toFixed(3)} LM2 ${t.LM2?.toFixed(3)} BG ${t.BG?.toFixed(3)}\n`);
      }
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    } finally {
      stop.dispose();
    }
  },
};

/** The command as the model card shows it (the options that shape the model). */
function commandLine(args: Record<string, any>): string {
  const opts = ['out', 'manifest', 'pipeline', 'init', 'epochs', 'windows-per-epoch', 'batch', 'lr', 'seed', 'train', 'val', 'device']
    .filter((k) => args[k] !== undefined)
    .map((k) => `--${k} ${args[k]}`);
  return ['autodvt train', ...(args.inputs as string[]), ...opts, ...(args.fromScratch ? ['--from-scratch'] : [])].join(' ');
}
