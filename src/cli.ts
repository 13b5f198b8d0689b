/**
 * The `autodvt` command line: a thin layer over the programmatic API.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad config or bad input.
 */
import yargs from 'yargs';
import { reportError } from './cli/report-error.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './errors.js';
import { commands } from './cli/commands.js';

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = EXIT_OK;
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  let parser = yargs(argv)
    .scriptName('autodvt')
    .usage('$0 <command> [options]\n\nAutomated compression-ultrasound DVT exam pipeline (research software, not a medical device).')
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Show stack traces and debug output' })
    .strict()
    .demandCommand(1, 'Name a command (see autodvt --help).')
    .recommendCommands()
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      io.stderr.write(`error: ${msg}\n(run autodvt --help for usage)\n`);
      exitCode = EXIT_BAD_INPUT;
    })
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100));
  for (const command of commands) {
    parser = parser.command(
      command.name,
      command.describe,
      command.builder as never,
      async (args: Record<string, unknown>) => {
        exitCode = await command.handler(args, io);
      },
    );
  }
  try {
    await parser.parseAsync();
  } catch (err) {
    return reportError(err, io.stderr, verbose);
  }
  return exitCode;
}
