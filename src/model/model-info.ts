/**
 * What the pipeline needs to know about a model, read from the metadata the
 * training export writes into the ONNX file (see training/ and models/README.md):
 * input name and size, intensity normalisation, class names, model id, and for a
 * streaming model the shapes of its cached state.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { parseImageStatistics, type ImageStatisticsSpec } from './image-statistics.js';
import type { ModelPrecision } from './model-forms.js';
import { readOnnxMetadata } from './onnx-metadata.js';

/**
 * The in-distribution score a model computes as an extra output (written by
 * training/fit_in_distribution.py; models/README.md "In-distribution score"): higher =
 * less like the training data; a window scoring above `threshold` is `unknown`.
 */
export interface InDistributionSpec {
  /** Name of the graph output, [batch]. */
  output: string;
  threshold: number;
  /** The rest of the fitted record (recipe, data, held-out rates), as stored. */
  fitted: Record<string, unknown>;
}

export interface StreamingSpec {
  frame: { name: string };
  /** Shapes use the string "batch" for the batch axis. */
  state: { input: string; output: string; shape: (number | string)[] }[];
  /** Frames fed before the first output equals the window model's. */
  warmup_frames: number;
}

export interface ModelInfo {
  file: string;
  modelId: string;
  /** sha256 of the file (first 12 hex digits). */
  hash: string;
  inputName: string;
  frames: number;
  height: number;
  width: number;
  normalization: { scale: number; mean: number; std: number };
  landmarkClasses: string[];
  veinClasses: string[];
  /** Present for a streaming (continual) model: one frame in, cached state in and out. */
  streaming?: StreamingSpec;
  /** Present when the model was fitted with an in-distribution score (`autodvt.in_distribution`). */
  inDistribution?: InDistributionSpec;
  /** Present when the model file carries fitted image statistics (`autodvt.image_statistics`). */
  imageStatistics?: ImageStatisticsSpec;
  /** `int8` for a file written by training/quantize_int8.py (`autodvt.precision`), else `fp32`. */
  precision: ModelPrecision;
  metadata: Record<string, string>;
}

export function readModelInfo(file: string, scope = 'model'): ModelInfo {
  if (!fs.existsSync(file)) {
    throw new InputError(`model file not found: ${file}`, { scope, hint: 'train one with training/train.py or point `model:` at an .onnx file' });
  }
  let metadata: Record<string, string>;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
    metadata = readOnnxMetadata(file);
  } catch (err) {
    throw new InputError(`${file} is not a readable ONNX model: ${(err as Error).message}`, { scope });
  }
  const json = <T>(key: string, fallback: T): T => {
    const raw = metadata[key];
    if (raw === undefined) return fallback;
    try {
      return JSON.parse(raw) as T;
    } catch {
      throw new InputError(`${file}: metadata ${key} is not valid JSON`, { scope });
    }
  };
  const input = json('autodvt.input', { name: 'frames', layout: 'NCTHW', frames: 9, height: 150, width: 150 });
  const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const streaming = json<ModelInfo['streaming'] | undefined>('autodvt.streaming', undefined);
  const fitted = json<Record<string, unknown> | undefined>('autodvt.in_distribution', undefined);
  let inDistribution: InDistributionSpec | undefined;
  if (fitted !== undefined) {
    const { output, threshold } = fitted as { output?: unknown; threshold?: unknown };
    if (typeof output !== 'string' || typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new InputError(`${file}: metadata autodvt.in_distribution needs a string "output" and a finite "threshold"`, {
        scope,
        hint: 'refit it with training/fit_in_distribution.py',
      });
    }
    inDistribution = { output, threshold, fitted };
  }
  const imageRecord = json<unknown>('autodvt.image_statistics', undefined);
  let imageStatistics: ImageStatisticsSpec | undefined;
  if (imageRecord !== undefined) {
    const parsed = parseImageStatistics(imageRecord);
    if (typeof parsed === 'string') {
      throw new InputError(`${file}: metadata autodvt.image_statistics ${parsed}`, { scope, hint: 'refit it with training/fit_image_statistics.py' });
    }
    imageStatistics = parsed;
  }
  const precision = json<{ precision?: unknown } | undefined>('autodvt.precision', undefined)?.precision === 'int8' ? 'int8' : 'fp32';
  const id = metadata['autodvt.model_id'] ?? `${path.basename(file, '.onnx')}@${hash}`;
  return {
    file,
    // The int8 file keeps the fp32 file's metadata; its predictions must still say which ran.
    modelId: precision === 'int8' && !id.endsWith('+int8') ? `${id}+int8` : id,
    hash,
    inputName: input.name,
    frames: input.frames,
    height: input.height,
    width: input.width,
    normalization: json('autodvt.normalization', { scale: 1 / 255, mean: 0, std: 1 }),
    landmarkClasses: json('autodvt.classes.landmark', ['BG', 'LM1', 'LM2']),
    veinClasses: json('autodvt.classes.vein', ['open', 'closed']),
    streaming,
    ...(inDistribution ? { inDistribution } : {}),
    ...(imageStatistics ? { imageStatistics } : {}),
    precision,
    metadata,
  };
}

/**
 * The model's input as `a * value + b`, from its intensity normalisation
 * ((pixel * scale - mean) / std). `from: 'pixel'` takes 8-bit pixels (streaming);
 * `from: 'window'` takes sliding-window values, which are pixel / 255.
 */
export function inputAffine(info: Pick<ModelInfo, 'normalization'>, from: 'pixel' | 'window'): { a: number; b: number } {
  const { scale, mean, std } = info.normalization;
  return { a: ((from === 'window' ? 255 : 1) * scale) / std, b: -mean / std };
}
