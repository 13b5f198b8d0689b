/**
 * `autodvt enqueue <pipeline.yaml> <exams...>`: one BullMQ job per exam (folders,
 * globs, files, manifests, DICOMweb URLs) for `autodvt worker` processes on any
 * machine that shares Redis and the run directory (docs/batch.md).
 */
import { EXIT_OK, formatProblem, InputError } from '../core/errors.js';
import { reportError } from './report-error.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', demandOption: true, describe: 'Pipeline YAML file (a path the workers can read)' })
      .positional('exams', { type: 'string', array: true, demandOption: true, describe: 'Folders, globs, files, manifests or DICOMweb URLs' })
      .option('set', { type: 'string', array: true, describe: 'Override a pipeline value (repeatable)' })
      .option('run-dir', { type: 'string', describe: 'Shared folder for the results (default out/runs/<pipeline>-<hash>)' })
      .option('redis', { type: 'string', describe: 'Redis URL (default $AUTODVT_REDIS_URL or redis://127.0.0.1:6379)' })
      .option('queue', { type: 'string', default: 'autodvt-exams', describe: 'Queue name' })
      .option('attempts', { type: 'number', default: 3, describe: 'Tries per exam before it is given up' })
      .option('header', {
        type: 'string',
        array: true,
        describe:
          "HTTP header for DICOMweb inputs, its value as an environment reference: 'Authorization: Bearer ${PACS_TOKEN}' (jobs hold the reference; workers read PACS_TOKEN)",
      }),
  async handler(args, io) {
    try {
      const { enqueueExams } = await import('../queue/index.js');
      const { parseHeaders } = await import('../dicomweb/headers.js');
      const { redactUrl } = await import('../secrets/redact-url.js');
      const withCredentials = (args.exams as string[]).find((e) => /^https?:\/\/[^/?#]*@/i.test(e));
      if (withCredentials) {
        throw new InputError(`${redactUrl(withCredentials)}: credentials in a queued URL would be stored in every job (Redis)`, {
          scope: 'queue',
          hint: "give them as a reference instead: --header 'Authorization: Basic ${PACS_BASIC}' with PACS_BASIC (base64 of user:password) set where enqueue and every worker run",
        });
      }
      const headers = parseHeaders(args.header ?? []);
      const r = await enqueueExams({
        pipelineFile: args.pipeline,
        set: args.set,
        inputs: args.exams,
        runDir: args.runDir,
        redisUrl: args.redis,
        queue: args.queue,
        attempts: args.attempts,
        dicomwebHeaderRefs: headers,
      });
      for (const w of r.warnings) io.stderr.write(formatProblem(w) + '\n');
      io.stdout.write(`queued ${r.total} exam(s) on ${r.queue}; results in ${r.runDir}\n`);
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
