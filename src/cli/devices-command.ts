/** `autodvt devices`: the capture devices ffmpeg can see, and how to use one in a pipeline. */
import { EXIT_OK } from '../core/errors.js';
import { listCaptureDevices } from '../live/list-devices.js';
import { reportError } from './report-error.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  async handler(args, io) {
    try {
      const listing = await listCaptureDevices();
      if (args.json) {
        io.stdout.write(JSON.stringify(listing, null, 2) + '\n');
        return EXIT_OK;
      }
      const usable = listing.devices.filter((d) => !d.note);
      if (listing.devices.length === 0) {
        io.stdout.write(
          `No capture devices found (looked at ${listing.searched}).\n` +
            'Plug in the capture card or USB video device and check that you may open it (Linux: the `video` group).\n' +
            'No device is needed for a network stream (capture-device with device: rtsp://..., udp://..., srt://...)\n' +
            'or for frames piped in (source type: stdin). See docs/live.md.\n',
        );
        return EXIT_OK;
      }
      io.stdout.write(`Capture devices (${listing.searched}):\n`);
      for (const d of listing.devices) {
        io.stdout.write(`  ${d.device}${d.name ? `  ${d.name}` : ''}${d.note ? `  — ${d.note}` : ''}\n`);
        for (const f of d.formats) io.stdout.write(`      ${f}\n`);
      }
      const first = usable[0];
      if (first) {
        io.stdout.write(`\nUse one in a pipeline:\n  source:\n    type: capture-device\n    device: ${JSON.stringify(first.device)}\n`);
      } else {
        io.stdout.write('\nNone of them can capture video (see the notes above).\n');
      }
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
