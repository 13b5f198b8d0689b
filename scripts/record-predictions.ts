/**
 * Record the model's predictions on phantom exams, with each exam's truth, so the
 * compressibility stage (a pure reducer) can be replayed and tuned offline in seconds
 * (scripts/replay-verdicts.ts) instead of rerunning the model.
 *
 *   node --import tsx scripts/record-predictions.ts OUT.ndjson [exams=100] [seed=700000] [model=models/autodvt.onnx]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { createPhantomExam } from '../src/phantom/index.js';
import { runPipeline } from '../src/pipeline.js';
import { subjectSeed } from '../src/synth/index.js';

const out = process.argv[2];
if (!out) throw new Error('usage: record-predictions.ts OUT.ndjson [exams] [seed]');
const exams = Number(process.argv[3] ?? 100);
const seed = Number(process.argv[4] ?? 700000);
const model = process.argv[5]; // the window model; its .streaming.onnx sibling runs
const pipeline = {
  source: { type: 'synthetic', seed, exams },
  stages: [
    { type: 'crop-pad', size: 600 },
    { type: 'resize', size: 150 },
    { type: 'onnx-inference', mode: 'streaming', batch: 1, ...(model ? { model: path.resolve(model) } : {}) },
  ],
  sinks: [{ type: 'console', intervalMs: 0 }],
};
const fd = fs.openSync(out, 'w');
let examIndex = 0;
await runPipeline(requireValid(parsePipeline(JSON.stringify(pipeline), { env: {}, baseDir: process.cwd() })), {
  baseDir: process.cwd(),
  stdout: { write: () => true },
  tap: (e) => {
    if (e.kind === 'exam-start') {
      const truth = createPhantomExam({ seed: subjectSeed(seed, examIndex++), fps: 30, thrombusFraction: 0.2, vendorFrame: true }).truth;
      fs.writeSync(fd, JSON.stringify({ ...e, truth }) + '\n');
    } else if (e.kind === 'prediction') {
      const { labels: _labels, ...p } = e;
      fs.writeSync(fd, JSON.stringify(p) + '\n');
    } else if (e.kind === 'exam') {
      fs.writeSync(fd, JSON.stringify(e) + '\n');
      process.stderr.write(`${examIndex}/${exams}\n`);
    }
  },
});
fs.closeSync(fd);
