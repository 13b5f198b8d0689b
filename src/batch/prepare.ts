/**
 * What every exam of a run shares, worked out once: the validated pipeline, the
 * models it loads and the hashes that key results. Used by `autodvt run --input`
 * and by queue workers alike, so both apply the same resumability rules.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { loadPipelineFile, requireValid, type LoadedPipeline } from '../core/config/load-pipeline.js';
import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { validateContext } from '../pipeline.js';
import { examPipelineConfig } from './exam-pipeline.js';
import { keptSinkIndices } from './exam-sinks.js';
import { modelHash, modelsOf, pipelineHash, type ModelRef } from './hashes.js';
import type { PipelineConfig } from '../core/config/pipeline-schema.js';
import type { ExamInput } from './exam-input.js';

export interface PreparedPipeline {
  file: string;
  baseDir: string;
  config: PipelineConfig;
  models: ModelRef[];
  modelHash: string;
  pipelineHash: string;
  /** Where a dot-path is written in the pipeline file (`LoadedPipeline.locate`). */
  locate?: LoadedPipeline['locate'];
}

export function preparePipeline(file: string, set: string[] = []): PreparedPipeline {
  const loaded = loadPipelineFile(file, { set });
  const config = requireValid(loaded);
  const models = modelsOf(config, loaded.baseDir);
  return {
    file: path.resolve(file),
    baseDir: loaded.baseDir,
    config,
    models,
    modelHash: modelHash(models),
    pipelineHash: pipelineHash(config),
    locate: loaded.locate,
  };
}

/**
 * Phase-2 checks of the stages and sinks, once, with the source pointed at `sample`:
 * a bad pipeline stops the run before any exam; a bad exam only fails that exam.
 * Returns the warnings (e.g. a persistent sink with no text removal before it), for the
 * run to show once.
 */
export async function checkPipelineOnce(p: PreparedPipeline, sample: ExamInput, dirs: { linksDir: string; sinksDir: string }): Promise<ConfigProblem[]> {
  const config = examPipelineConfig(p.config, sample, { ...dirs, concurrency: 1 });
  // The per-exam pipeline leaves out the sinks that cannot run per exam: problems name
  // sinks by their place in the pipeline as written, at its file:line.
  const original = keptSinkIndices(p.config.sinks);
  const problems = (await validateContext(config, { baseDir: p.baseDir, pipelineFile: p.file }))
    .filter((q) => !q.path.startsWith('source'))
    .map((q) => {
      const sink = /^sinks\[(\d+)\]/.exec(q.path);
      const index = sink ? original[Number(sink[1])] : undefined;
      if (sink && index === undefined) return q; // a sink the batch adds: it is not in the file
      const written = sink ? `sinks[${index}]${q.path.slice(sink[0].length)}` : q.path;
      return { ...q, path: written, ...(q.line === undefined && p.locate ? p.locate(written) : {}) };
    });
  if (problems.some((q) => q.severity === 'error')) throw new ConfigError(problems);
  return problems;
}

/** A default run directory for the same pipeline and inputs: reruns of one command meet again. */
export function defaultRunDir(pipelineFile: string, inputs: string[], cwd = process.cwd()): string {
  const name = path.basename(pipelineFile).replace(/\.ya?ml$/i, '');
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([path.resolve(pipelineFile), ...inputs.map((i) => (/^https?:/i.test(i) ? i : path.resolve(cwd, i)))]))
    .digest('hex')
    .slice(0, 8);
  return path.join(cwd, 'out', 'runs', `${name}-${key}`);
}
