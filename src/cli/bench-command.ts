/** `autodvt bench`: pipeline throughput, latency and memory beside its floors (docs/benchmarks.md). */
import fs from 'node:fs';
import { EXIT_OK } from '../core/errors.js';
import { reportError } from './report-error.js';
import type { CommandModule } from './commands.js';
import { PROVIDERS, type Provider } from '../model/open-session.js';

export const command: CommandModule = {
  builder: (y) =>
    y
      .option('scenario', {
        choices: ['archive', 'live', 'model', 'all'] as const,
        default: 'all' as const,
        describe: 'archive and live run the pipeline; model runs only the model-only floors (no ffmpeg)',
      })
      .option('provider', {
        choices: PROVIDERS,
        default: 'cpu' as Provider,
        describe: 'Execution provider for the pipelines; a non-CPU one is also measured model-only beside the CPU (e.g. webgpu)',
      })
      .option('batch', { type: 'number', default: 8, describe: 'Window batch size for the archive scenario' })
      .option('duration', { type: 'number', default: 10, describe: 'Seconds of phantom video to run (30 fps)' })
      .option('model-seconds', { type: 'number', default: 3, describe: 'Seconds per model-only measurement' })
      .option('model', { type: 'string', describe: 'Window model (.onnx; its .streaming.onnx beside it)' })
      .option('torch', { type: 'boolean', default: false, describe: 'Also measure PyTorch eager (needs /usr/bin/python3 with torch)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .option('out', { type: 'string', describe: 'Also write the Markdown report to this file' }),
  async handler(args, io) {
    try {
      const { runBench } = await import('../measurement/run-bench.js');
      const { benchMarkdown } = await import('../measurement/bench-report.js');
      const result = await runBench({
        scenarios: args.scenario === 'all' ? ['archive', 'live'] : [args.scenario],
        provider: args.provider,
        batch: args.batch,
        durationS: args.duration,
        modelSeconds: args.modelSeconds,
        model: args.model,
        torch: args.torch,
        log: (line) => io.stderr.write(`bench: ${line}\n`),
      });
      const md = benchMarkdown(result);
      if (args.out) fs.writeFileSync(args.out, md);
      io.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : md);
      return EXIT_OK;
    } catch (err) {
      return reportError(err, io.stderr, Boolean(args.verbose));
    }
  },
};
