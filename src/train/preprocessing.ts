/**
 * The preprocessing a model is trained and evaluated behind: the stages of the pipeline
 * it will be deployed in, up to its `sliding-window` — so that training sees exactly what
 * inference sees. Without a pipeline file, the shipped model's own (src/model/model-preprocessing.ts,
 * as in `pipelines/archive.yaml` and `pipelines/phantom-dataset.yaml`): crop-pad 600 (which
 * blanks what lies outside the B-mode region, burned-in text included), then resize 150.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { stageAdds } from '../core/config/event-flow.js';
import { loadPipelineFile, requireValid } from '../core/config/load-pipeline.js';
import { InputError } from '../core/errors.js';
import { MODEL_PREPROCESSING, MODEL_PREPROCESSING_TEXT } from '../model/model-preprocessing.js';
import type { UnitConfig } from '../core/config/pipeline-schema.js';

export interface Preprocessing {
  stages: UnitConfig[];
  /** Folder the stages' relative paths resolve against. */
  baseDir: string;
  /** Where the stages came from, for the model card. */
  from: string;
  /** sha256 (16 hex) of the stages: a cached training-set part is reused only under the same one. */
  hash: string;
}

export const DEFAULT_PREPROCESSING: UnitConfig[] = [...MODEL_PREPROCESSING];

export function preprocessingFrom(pipelineFile: string | undefined): Preprocessing {
  if (!pipelineFile)
    return withHash({ stages: DEFAULT_PREPROCESSING, baseDir: process.cwd(), from: `default (${MODEL_PREPROCESSING_TEXT}; as pipelines/archive.yaml)` });
  const loaded = loadPipelineFile(pipelineFile);
  const config = requireValid(loaded);
  // The stage that stacks frames into windows (sliding-window) ends the preprocessing.
  const end = config.stages.findIndex((s) => stageAdds(s, 'window'));
  if (end < 0) {
    throw new InputError(`${pipelineFile}: no sliding-window stage, so no preprocessing to train behind (the stages before sliding-window are used)`, {
      scope: 'train:pipeline',
    });
  }
  const stages = config.stages.slice(0, end);
  if (!stages.some((s) => s.type === 'resize' || s.type === 'field-of-view')) {
    throw new InputError(`${pipelineFile}: no resize or field-of-view stage before sliding-window; the model needs 150x150 frames`, {
      scope: 'train:pipeline',
    });
  }
  return withHash({
    stages,
    baseDir: loaded.baseDir,
    from: `${path.basename(pipelineFile)} (stages before sliding-window: ${stages.map((s) => s.type).join(', ')})`,
  });
}

function withHash(p: Omit<Preprocessing, 'hash'>): Preprocessing {
  return { ...p, hash: crypto.createHash('sha256').update(JSON.stringify(p.stages)).digest('hex').slice(0, 16) };
}
