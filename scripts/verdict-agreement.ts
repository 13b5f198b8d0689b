/**
 * Exam verdicts against the phantom's truth: runs N phantom exams through the full
 * pipeline (shipped model, compressibility) and compares each exam verdict and each
 * landmark's verdict with what the phantom knows (a visit with a clot should be
 * not-compressible, one without compressible; a landmark never visited is
 * not-examined). Prints the agreement and confusion matrices as Markdown.
 *
 *   node --import tsx scripts/verdict-agreement.ts [exams=20] [seed=700000] [mode=streaming] [model=shipped]
 */
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { createPhantomExam } from '../src/phantom/index.js';
import { verdictConfusion } from './verdict-confusion.js';
import { runPipeline } from '../src/pipeline.js';
import { subjectSeed } from '../src/synth/index.js';
import type { ExamEvent } from '../src/core/events.js';

const exams = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? 700000);
const mode = (process.argv[4] ?? 'streaming') as 'window' | 'streaming';
const model = process.argv[5];

const pipeline = {
  source: { type: 'synthetic', seed, exams },
  stages: [
    { type: 'crop-pad', size: 600 },
    { type: 'resize', size: 150 },
    ...(mode === 'window' ? [{ type: 'sliding-window', size: 9 }] : []),
    { type: 'onnx-inference', mode, batch: mode === 'window' ? 16 : 1, ...(model ? { model } : {}) },
    { type: 'compressibility' },
  ],
  sinks: [{ type: 'console', intervalMs: 0 }],
};

const results: ExamEvent[] = [];
const t0 = performance.now();
await runPipeline(requireValid(parsePipeline(JSON.stringify(pipeline), { env: {}, baseDir: process.cwd() })), {
  baseDir: process.cwd(),
  stdout: { write: () => true },
  tap: (e) => {
    if (e.kind === 'exam') {
      results.push(e);
      process.stderr.write(`${results.length}/${exams} ${e.examId}: ${e.verdict}\n`);
    }
  },
});

const { markdown } = verdictConfusion(
  results.map((result, i) => ({ result, truth: createPhantomExam({ seed: subjectSeed(seed, i), fps: 30, thrombusFraction: 0.2, vendorFrame: true }).truth })),
);
console.log(
  `## Exam verdicts against phantom truth (${results.length} exams, seed ${seed}, ${mode} mode, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
);
console.log(markdown);
