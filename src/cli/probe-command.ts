/**
 * `autodvt probe <file>`: what a DICOM or video file holds, like ffprobe (no patient
 * attributes). For a DICOM file whose pixels cannot be decoded, the header is still
 * described, with `pixels: { decodable: false, reason }`, and the command exits 2 (the
 * reason also goes to stderr): scripts that test the exit code see a file `run` would
 * refuse, and still get its description.
 */
import { EXIT_OK } from '../core/errors.js';
import { probeMedia } from '../probe/probe-media.js';
import { reportError } from './report-error.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) => y.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  async handler(args, io) {
    try {
      const { info, problem } = await probeMedia(args.file);
      if (args.json) io.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else
        for (const [k, v] of Object.entries(info)) {
          if (v !== undefined) io.stdout.write(`${k.padEnd(22)} ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
        }
      return problem ? reportError(problem, io.stderr, Boolean(args.verbose)) : EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
