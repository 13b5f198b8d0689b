/**
 * `autodvt worker [--concurrency N]`: run queued exams (from `autodvt enqueue`) until
 * stopped — Ctrl-C lets running exams finish — or, with `--exit-when-drained`, until
 * the queue is empty. Start as many as you like, on any machine (docs/batch.md).
 * Each exam runs in its own process (at most `--exam-memory-mb` MiB) unless `--no-isolate`.
 */
import { EXIT_OK } from '../core/errors.js';
import { reportError } from './report-error.js';
import { stopOnSignals } from './stop-on-signals.js';
import type { CommandModule } from './commands.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .option('redis', { type: 'string', describe: 'Redis URL (default $AUTODVT_REDIS_URL or redis://127.0.0.1:6379)' })
      .option('queue', { type: 'string', default: 'autodvt-exams', describe: 'Queue name' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Exams at once in this worker' })
      .option('isolate', {
        type: 'boolean',
        default: true,
        describe: 'Each exam in its own process with a memory limit: one that crashes or runs out of memory fails alone (--no-isolate: in this process)',
      })
      .option('exam-memory-mb', { type: 'number', default: 4096, describe: "Memory limit of an isolated exam's process, MiB" })
      .option('share-inference', {
        type: 'boolean',
        default: true,
        describe: 'With --no-isolate: one model session for the exams this worker runs at once, windows batched together (--no-share-inference: one per exam)',
      })
      .option('lock', { type: 'number', default: 30, describe: 'Seconds before the job of a dead worker is taken over' })
      .option('exit-when-drained', { type: 'boolean', default: false, describe: 'Exit once nothing is waiting or running' }),
  async handler(args, io) {
    const stop = stopOnSignals(io.stderr, 'finishing the running exams (their jobs are retried if you quit now)');
    const abort = { signal: stop.signal };
    try {
      const { runWorker } = await import('../queue/index.js');
      const s = await runWorker({
        redisUrl: args.redis,
        queue: args.queue,
        concurrency: args.concurrency,
        isolate: args.isolate,
        examMemoryMb: Math.max(64, args.examMemoryMb),
        shareInference: args.shareInference,
        lockMs: Math.max(1, args.lock) * 1000,
        exitWhenDrained: args.exitWhenDrained,
        out: io.stdout,
        signal: abort.signal,
      });
      io.stdout.write(`worker done: ${s.ok} ok, ${s.failed} failed, ${s.skipped} already done, ${s.retried} redone\n`);
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    } finally {
      stop.dispose();
    }
  },
};
