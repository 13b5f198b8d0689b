/** `autodvt probe <file>`: what a DICOM or video file holds, like ffprobe (no patient attributes). */
import { EXIT_OK } from '../errors.js';
import { probeMedia } from '../probe/probe-media.js';
import { reportError } from './report-error.js';
import type { CliCommand } from './commands.js';

export const probeCommand: CliCommand = {
  name: 'probe <file>',
  describe: 'Describe a DICOM or video file (SOP class, transfer syntax, size, frames, timing, regions / codec, fps)',
  builder: (y) =>
    y.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  async handler(args, io) {
    try {
      const info = await probeMedia(args.file);
      if (args.json) io.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else for (const [k, v] of Object.entries(info)) io.stdout.write(`${k.padEnd(22)} ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
