/** The CLI's commands, each in its own file; registered here in the order `--help` shows. */
import { devicesCommand } from './devices-command.js';
import { enqueueCommand } from './enqueue-command.js';
import { benchCommand } from './bench-command.js';
import { evalCommand } from './eval-command.js';
import { labelCommand } from './label-command.js';
import { listCommand } from './list-command.js';
import { probeCommand } from './probe-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { synthCommand } from './synth-command.js';
import { trainCommand } from './train-command.js';
import { validateCommand } from './validate-command.js';
import { workerCommand } from './worker-command.js';
import type { Argv } from 'yargs';
import type { TextOut } from '../context.js';

export interface CliIo {
  stdout: TextOut;
  stderr: TextOut;
}

export interface CliCommand {
  name: string;
  describe: string;
  builder: (y: Argv) => Argv;
  handler: (args: Record<string, any>, io: CliIo) => Promise<number>;
}

export const commands: CliCommand[] = [runCommand, validateCommand, listCommand, schemaCommand, probeCommand, evalCommand, synthCommand, trainCommand, labelCommand, benchCommand, devicesCommand, enqueueCommand, workerCommand];
