/**
 * The CLI's commands in the order `--help` shows them: each one's usage line and summary
 * here, its options (`builder`) and `handler` in its own file, imported only when that
 * command runs (or its `--help` is asked for), so that `autodvt --help` and `validate`
 * do not load the code of every other command (bench/cli-start.ts measures the start).
 */
import type { Argv } from 'yargs';
import type { TextOut } from '../core/context.js';

export interface CliIo {
  stdout: TextOut;
  stderr: TextOut;
}

/** What a command's own file exports as `command`. */
export interface CommandModule {
  builder: (y: Argv) => Argv;
  handler: (args: Record<string, any>, io: CliIo) => Promise<number>;
}

export interface CliCommand {
  /** yargs' usage form: the name, then its positional arguments (`run <pipeline>`). */
  name: string;
  describe: string;
  load: () => Promise<{ command: CommandModule }>;
}

export const commands: CliCommand[] = [
  {
    name: 'run <pipeline>',
    describe: 'Run a pipeline file (with --input: over many archived exams)',
    load: () => import('./run-command.js'),
  },
  {
    name: 'validate <files..>',
    describe: 'Check pipeline files (structure, then inputs, models and shapes) without running them',
    load: () => import('./validate-command.js'),
  },
  {
    name: 'list [type]',
    describe: 'List sources, stages and sinks with their parameters (give a type for its example)',
    load: () => import('./list-command.js'),
  },
  {
    name: 'schema',
    describe: 'Print the JSON Schema of pipeline files (point editors at it with # yaml-language-server: $schema=...)',
    load: () => import('./schema-command.js'),
  },
  {
    name: 'probe <file>',
    describe:
      'Describe a DICOM or video file (SOP class, transfer syntax, size, frames, timing, regions / codec, fps). ' +
      'Exit 0: described (and, for DICOM, its first and last frames decode); 2: bad input, or a DICOM file whose pixels cannot be decoded ' +
      '(its header is still printed, with pixels.decodable false and the reason)',
    load: () => import('./probe-command.js'),
  },
  {
    name: 'eval <inputs..>',
    describe: "Print precision/recall/F1 as in the paper's Table 2: of a pipeline over labelled input, or of models on your labelled files (--compare A B)",
    load: () => import('./eval-command.js'),
  },
  {
    name: 'synth',
    describe: 'Write phantom compression exams (mp4 and/or DICOM) with labels sidecars',
    load: () => import('./synth-command.js'),
  },
  {
    name: 'train <inputs..>',
    describe: 'Train a model on your labelled exams (DICOM / video files with .labels.json sidecars), split by patient',
    load: () => import('./train-command.js'),
  },
  {
    name: 'label <input>',
    describe: 'Label cine loops in the browser (a DICOM or video file, a folder of them, or a pipeline file); saves <file>.labels.json',
    load: () => import('./label-command.js'),
  },
  {
    name: 'bench',
    describe: 'Measure the pipeline end to end beside decode-only and model-only floors, in one run',
    load: () => import('./bench-command.js'),
  },
  {
    name: 'devices',
    describe: 'List the capture devices ffmpeg can see (V4L2, AVFoundation, DirectShow)',
    load: () => import('./devices-command.js'),
  },
  {
    name: 'enqueue <pipeline> <exams..>',
    describe: 'Queue exams for `autodvt worker` processes (BullMQ on Redis)',
    load: () => import('./enqueue-command.js'),
  },
  {
    name: 'worker',
    describe: 'Run queued exams from Redis (BullMQ), with retries',
    load: () => import('./worker-command.js'),
  },
];
