/**
 * The image-statistics score (src/model/image-statistics.ts) of still images: each file's
 * frames through the default preprocessing (crop-pad 600, resize 150), scored against the
 * statistics stored in a model file. For files with fewer frames than a window (single-frame
 * DICOMs), which the pipeline's model stage never scores.
 *
 *   node --import tsx scripts/image-score-stills.ts [--model models/autodvt.onnx] FILE...
 *
 * Prints one line per file: frames, how many are above the threshold, the median score.
 */
import path from 'node:path';
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { frameStatistics, imageScore } from '../src/model/image-statistics.js';
import { readModelInfo } from '../src/model/model-info.js';
import { runPipeline } from '../src/pipeline.js';

const args = process.argv.slice(2);
const at = args.indexOf('--model');
const model = at >= 0 ? args.splice(at, 2)[1]! : 'models/autodvt.onnx';
const spec = readModelInfo(model).imageStatistics;
if (!spec) {
  process.stderr.write(`${model} has no image statistics (training/fit_image_statistics.py)\n`);
  process.exit(2);
}
const ROOT = process.cwd();
let unknownFiles = 0;
for (const file of args) {
  const type = /\.(dcm|zip)$/i.test(file) ? 'dicom-cine' : 'video-file';
  const yaml = `source:\n  type: ${type}\n  path: ${JSON.stringify(path.resolve(file))}\n  labels: false\nstages:\n  - type: crop-pad\n    size: 600\n  - type: resize\n    size: 150\nsinks:\n  - type: console\n    intervalMs: 0\n    warnings: false\n`;
  const scores: number[] = [];
  await runPipeline(requireValid(parsePipeline(yaml, { env: {}, baseDir: ROOT })), {
    baseDir: ROOT,
    stdout: { write: () => true },
    stderr: { write: () => true },
    tap: (e) => {
      if (e.kind === 'frame') scores.push(imageScore(spec, frameStatistics(e.pixels, e.width, e.height)));
    },
  });
  const above = scores.filter((s) => !(s <= spec.threshold)).length;
  if (scores.length > 0 && above / scores.length >= 0.5) unknownFiles++;
  const median = [...scores].sort((a, b) => a - b)[scores.length >> 1];
  console.log(
    `${path.basename(file).padEnd(48)} frames ${String(scores.length).padStart(4)} unknown ${String(above).padStart(4)} median score ${median?.toFixed(1)} (threshold ${spec.threshold.toFixed(1)})`,
  );
}
console.log(`${unknownFiles} of ${args.length} files mostly unknown`);
