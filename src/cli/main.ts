/**
 * The `autodvt` command line: a thin layer over the programmatic API.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad config or bad input.
 *
 * Usage mistakes (an unknown option or command, a missing argument, a wrong type)
 * exit 2 before any command runs: yargs reports them through `fail`, which records
 * them, and a command's handler does nothing when there is one.
 */
import yargs, { type Argv } from 'yargs';
import { reportError } from './report-error.js';
import { EXIT_BAD_INPUT, EXIT_OK } from '../core/errors.js';
import { commands } from './commands.js';

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = EXIT_OK;
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const usageErrors: string[] = [];
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
      usageErrors.push(msg);
    })
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100));
  for (const command of commands) {
    parser = parser.command(
      command.name,
      command.describe,
      // The command's module loads only when it is the one given (yargs awaits a builder's
      // promise), so `--help` and each command load no other command's code.
      (async (y: Argv) => (await command.load()).command.builder(y)) as never,
      async (args: Record<string, unknown>) => {
        // yargs calls the handler even after `fail` (exitProcess(false)): nothing may run then.
        if (usageErrors.length > 0) return;
        exitCode = await (await command.load()).command.handler(args, io);
      },
    );
  }
  try {
    await parser.parseAsync();
  } catch (err) {
    return reportError(err, io.stderr, verbose);
  }
  if (usageErrors.length > 0) {
    reportUsageErrors(usageErrors, argv, io.stderr);
    return EXIT_BAD_INPUT;
  }
  return exitCode;
}

/** Each mistake once, yargs' "Did you mean ...?" as a hint under it. */
function reportUsageErrors(messages: string[], argv: string[], stderr: { write(s: string): unknown }): void {
  const names = commands.map((c) => c.name.split(' ')[0]!);
  const first = argv.find((a) => !a.startsWith('-'));
  const unique = [...new Set(messages)];
  const hints = unique.filter((m) => /^Did you mean/i.test(m));
  let errors = unique.filter((m) => !hints.includes(m));
  // yargs calls an unknown command (and everything after it) unknown arguments.
  if (first !== undefined && !names.includes(first)) {
    errors = [`unknown command "${first}" (commands: ${names.join(', ')})`, ...errors.filter((m) => !/^Unknown arguments?:/.test(m))];
  }
  for (const m of errors) stderr.write(`error: ${m}\n`);
  for (const h of hints) stderr.write(`hint: ${h}\n`);
  stderr.write('(run autodvt --help for usage; nothing was run)\n');
}
