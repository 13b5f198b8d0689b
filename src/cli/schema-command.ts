/** `autodvt schema`: the JSON Schema of pipeline files, for editors. */
import fs from 'node:fs';
import { pipelineJsonSchema } from '../core/config/pipeline-schema.js';
import { EXIT_OK } from '../core/errors.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) => y.option('out', { type: 'string', describe: 'Write to this file instead of standard output' }),
  async handler(args, io) {
    const text = JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
    if (args.out) fs.writeFileSync(args.out, text);
    else io.stdout.write(text);
    return EXIT_OK;
  },
};
