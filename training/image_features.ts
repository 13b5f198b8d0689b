/**
 * Image statistics of every frame of a data set, for training/fit_image_statistics.py
 * (src/train/image-features.ts; the statistics: src/model/image-statistics.ts).
 *
 *   node --import tsx training/image_features.ts DATASET OUT_PREFIX
 *
 * DATASET is a folder the `dataset` sink wrote (index.json, frames/*.npy). Writes
 * OUT_PREFIX.f64 and OUT_PREFIX.json.
 */
import { writeImageFeatures } from '../src/train/image-features.js';

const [dataset, outPrefix] = process.argv.slice(2);
if (!dataset || !outPrefix) {
  process.stderr.write('usage: node --import tsx training/image_features.ts DATASET OUT_PREFIX\n');
  process.exit(2);
}
writeImageFeatures(dataset, outPrefix, (line) => process.stderr.write(`${line}\n`));
