/**
 * `autodvt synth --out DIR --subjects N --seed S --format mp4|dicom|both`: write phantom
 * exams as files, each with its labels sidecar (docs/labels-sidecar.md), for tests,
 * demos and training on files.
 */
import { EXIT_OK } from '../core/errors.js';
import { reportError } from './report-error.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder' })
      .option('subjects', { type: 'number', default: 10, describe: 'Number of simulated subjects (one exam each)' })
      .option('seed', { type: 'number', default: 1, describe: 'Random seed (same seed, same bytes)' })
      .option('format', { choices: ['mp4', 'dicom', 'both'] as const, default: 'both' as const, describe: 'File format' })
      .option('dicom-syntax', { choices: ['jpeg', 'uncompressed', 'both'] as const, default: 'jpeg' as const, describe: 'DICOM transfer syntax' })
      .option('duration', { type: 'number', describe: 'Seconds per exam (default 14-20, varying)' })
      .option('fps', { type: 'number', default: 30 })
      .option('thrombus-fraction', { type: 'number', default: 0.2, describe: 'Fraction of landmark visits with a clot' })
      .option('imaging', { choices: ['classic', 'scanner'] as const, describe: 'B-mode look: classic (default) or scanner (docs/phantom.md)' }),
  async handler(args, io) {
    try {
      const { writeSynthExams } = await import('../synth/index.js');
      const started = Date.now();
      const { exams, files } = await writeSynthExams({
        outDir: args.out,
        subjects: args.subjects,
        seed: args.seed,
        format: args.format,
        dicomSyntax: args.dicomSyntax,
        durationS: args.duration,
        fps: args.fps,
        thrombusFraction: args.thrombusFraction,
        ...(args.imaging ? { imaging: args.imaging } : {}),
        onExam: (e) => io.stdout.write(`${e.examId}: ${e.frameCount} frames, truth: ${e.verdict} → ${e.media.join(', ')}\n`),
      });
      const frames = exams.reduce((s, e) => s + e.frameCount, 0);
      io.stdout.write(`wrote ${files.length} files (${exams.length} exams, ${frames} frames) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
