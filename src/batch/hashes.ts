/**
 * The three hashes that decide whether an exam's result is still valid:
 *   input     the media file's bytes and its labels sidecar's bytes (for a DICOMweb
 *             series: the study, series and sorted SOP Instance UIDs)
 *   model     sha256 of each file a stage loads (its spec's `inputFiles`: the
 *             onnx-inference model, the saliency model)
 *   pipeline  the pipeline with what a batch run changes per exam left out
 *             (source type and path, sinks), as canonical JSON
 * A rerun skips an exam whose result carries the same three.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { readModelInfo } from '../model/model-info.js';
import { sidecarPathFor } from '../labels/index.js';
import { findUnit } from '../core/registry.js';
import type { StageSpec } from '../core/unit.js';
import type { PipelineConfig } from '../core/config/pipeline-schema.js';
import type { ExamInput } from './exam-input.js';

const SHORT = 16;

export async function hashFile(file: string, hash = crypto.createHash('sha256')): Promise<crypto.Hash> {
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', resolve);
  });
  return hash;
}

/** Labels file an exam uses: the manifest's, else `<file>.labels.json` when it exists. */
export function labelsFileOf(exam: ExamInput): string | undefined {
  if (exam.kind !== 'file') return undefined;
  if (exam.labels) return exam.labels;
  const sidecar = sidecarPathFor(exam.file);
  return fs.existsSync(sidecar) ? sidecar : undefined;
}

export async function inputHash(exam: ExamInput, dicomwebHeaders?: Record<string, string>): Promise<string> {
  if (exam.kind === 'dicomweb') {
    const { dicomwebInputHash } = await import('../dicomweb/list-dicomweb-exams.js');
    return dicomwebInputHash(exam, { headers: dicomwebHeaders });
  }
  const hash = crypto.createHash('sha256');
  await hashFile(exam.file, hash);
  const labels = labelsFileOf(exam);
  hash.update('\0labels\0');
  if (labels && fs.existsSync(labels)) await hashFile(labels, hash);
  return hash.digest('hex').slice(0, SHORT);
}

export interface ModelRef {
  file: string;
  id: string;
  hash: string;
}

/** Every model the pipeline's stages load, as their specs declare (empty when there is none). */
export function modelsOf(config: PipelineConfig, baseDir: string): ModelRef[] {
  return config.stages
    .flatMap((s) => (findUnit('stage', s.type) as StageSpec | undefined)?.inputFiles?.(s as never, baseDir) ?? [])
    .map((file) => {
      const info = readModelInfo(file, 'batch');
      return { file: info.file, id: info.modelId, hash: info.hash };
    });
}

export function modelHash(models: ModelRef[]): string {
  return models.length === 0 ? 'none' : models.map((m) => m.hash).join('+');
}

export function pipelineHash(config: PipelineConfig): string {
  const { path: _path, type: _type, id: _id, ...sourceRest } = config.source;
  const relevant = { version: config.version, seed: config.seed, flow: config.flow, source: sourceRest, stages: config.stages };
  return crypto.createHash('sha256').update(canonicalJson(relevant)).digest('hex').slice(0, SHORT);
}

/** JSON with object keys sorted, so equal configs hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
