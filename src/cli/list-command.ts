/** `autodvt list [type]`: every unit with its summary and parameters. */
import { EXIT_BAD_INPUT, EXIT_OK } from '../core/errors.js';
import { allUnits } from '../core/registry.js';
import { listUnitsJson, listUnitsMarkdown, listUnitsText } from './list-units.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('type', { type: 'string' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .option('markdown', { type: 'boolean', default: false, describe: 'Print the Markdown reference (docs/units.md)' }),
  async handler(args, io) {
    if (args.type && !allUnits().some((u) => u.type === args.type)) {
      io.stderr.write(
        `error: no unit named "${args.type}" (known: ${allUnits()
          .map((u) => u.type)
          .join(', ')})\n`,
      );
      return EXIT_BAD_INPUT;
    }
    io.stdout.write(args.json ? JSON.stringify(listUnitsJson(), null, 2) + '\n' : args.markdown ? listUnitsMarkdown() : listUnitsText(args.type));
    return EXIT_OK;
  },
};
