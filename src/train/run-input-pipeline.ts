/**
 * Run one labelled media file through a pipeline built in code: its source (dicom-cine or
 * video-file, labels from the sidecar), the preprocessing stages, then whatever stages and
 * sinks the caller adds. The config goes through the same validation as a pipeline file.
 */
import { parsePipeline, requireValid } from '../core/config/load-pipeline.js';
import { runPipeline } from '../pipeline.js';
import type { UnitConfig } from '../core/config/pipeline-schema.js';
import type { PipelineEvent } from '../core/events.js';
import type { LabelledInput } from './labelled-inputs.js';
import type { Preprocessing } from './preprocessing.js';

export interface InputPipelineOptions {
  input: LabelledInput;
  preprocessing: Preprocessing;
  stages?: UnitConfig[];
  sinks: UnitConfig[];
  tap?: (event: PipelineEvent) => void;
  signal?: AbortSignal;
  /** Where the pipeline's own messages go (default: nowhere). */
  stderr?: { write(text: string): unknown };
}

export async function runInputPipeline(o: InputPipelineOptions): Promise<void> {
  const config = {
    name: `autodvt-${o.input.examId}`,
    source: { type: o.input.kind, path: o.input.file, labels: true },
    stages: [...o.preprocessing.stages, ...(o.stages ?? [])],
    sinks: o.sinks,
  };
  // JSON is YAML: the config is parsed and checked like a pipeline file (no ${} in it to expand).
  const loaded = parsePipeline(JSON.stringify(config), { baseDir: o.preprocessing.baseDir, env: {} });
  const silent = { write: () => true };
  await runPipeline(requireValid(loaded), {
    baseDir: o.preprocessing.baseDir,
    stdout: silent,
    stderr: (o.stderr ?? silent) as never,
    tap: o.tap,
    signal: o.signal,
  });
}
