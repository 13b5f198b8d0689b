/**
 * Issue 19, item 1: code outside a unit's own file or folder (and the registries that
 * list the units) reads what a unit declares (`events`, `removesBurnedInText`,
 * `inputFiles`, `live`, `persistent`, ...) instead of matching its type name. This scans
 * the code of src/ (comments left out) for a unit's type name where code names a unit:
 * `type: 'x'`, `.type === 'x'` / `!==`, `findUnit(kind, 'x')`, `parseSource('x', ...)`.
 *
 * ALLOWED lists the places that still do, each with why; a new one fails here, and an
 * entry that no longer matches fails too, so the list only shrinks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allUnits } from '../../src/core/registry.js';

const root = path.resolve(import.meta.dirname, '../..');

/** `file: { unit type: why }`. */
const ALLOWED: Record<string, Record<string, string>> = {
  // Code that builds a pipeline of its own, as a pipeline file would: naming the units is the point.
  'src/batch/exam-pipeline.ts': {
    dicomweb: 'builds the source of an exam on a PACS',
    evaluate: 'adds a quiet evaluate sink to every exam',
    'onnx-inference':
      "divides the model's threads between exams running at once; saliency has the same `threads` option but no shared session, " +
      "and whether a stage uses the run's shared inference is not declared (it would go on the onnx-inference spec)",
  },
  'src/evaluation/predict-labelled-exams.ts': {
    'sliding-window': 'builds the evaluation pipeline',
    'onnx-inference': 'builds the evaluation pipeline',
    compressibility: 'builds the evaluation pipeline',
    evaluate: 'builds the evaluation pipeline',
  },
  'src/measurement/run-bench.ts': {
    'text-removal': 'builds the bench pipelines (and asks whether text removal is registered)',
    'sliding-window': 'builds the bench pipelines',
    'onnx-inference': 'builds the bench pipelines',
    compressibility: 'builds the bench pipelines',
    'dicom-cine': 'builds the bench pipelines',
    'video-file': 'builds the bench pipelines',
    console: 'builds the bench pipelines',
  },
  'src/label/label-inputs.ts': {
    'text-removal': "the labeller's default text removal, and the pipeline's own taken from it (by name, not by removesBurnedInText)",
    saliency: 'left out of the pre-label stages (it costs time and adds nothing to a pre-label); no declaration says so',
    dicomweb: 'the labeller cannot read a PACS series: refused by name',
    'dicom-cine': 'the labeller reads the loops of a file source itself, from its `path`',
    'video-file': 'the labeller reads the loops of a file source itself, from its `path`',
  },
  'src/label/loop-frames.ts': { console: 'builds the pipeline that reads one loop' },
  'src/label/loop-predictions.ts': {
    'sliding-window': 'the default pre-label stages',
    'onnx-inference': 'the default pre-label stages, and the check that a given model file exists',
    synthetic: 'a stand-in source to validate the pre-label stages',
    console: 'a stand-in sink to validate the pre-label stages',
  },
  'src/train/preprocessing.ts': {
    resize: 'the check that a pipeline resizes before its windows',
    'field-of-view': 'the check that a pipeline resizes before its windows',
  },
  'src/model/model-preprocessing.ts': {
    'crop-pad': "the shipped model's preprocessing: one home for every default pipeline built in code",
    resize: "the shipped model's preprocessing: one home for every default pipeline built in code",
  },
  'src/train/build-training-set.ts': { dataset: 'builds the pipeline that writes the training set' },
  'src/cli/eval-command.ts': { evaluate: 'adds an evaluate sink when the pipeline has none' },
  // Not the units: other things that happen to share a name.
  'src/batch/exam-child.ts': { frames: "the child's IPC message `{ type: 'frames' }`, not the frames sink" },
  'src/batch/run-exam-isolated.ts': { frames: "the child's IPC message `{ type: 'frames' }`, not the frames sink" },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The code without its comments (a comment may name a unit, as documentation). */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function mentions(code: string, type: string): boolean {
  const name = type.replace(/[-]/g, '\\-');
  const q = `(['"\`])${name}\\1`;
  return [
    new RegExp(`\\btype\\s*(?:===|!==|:)\\s*${q}`),
    new RegExp(`${q}\\s*(?:===|!==)\\s*[\\w.?]*\\btype\\b`),
    new RegExp(`\\bfindUnit\\(\\s*['"]\\w+['"]\\s*,\\s*${q}`),
    new RegExp(`\\bparse(?:Source|Stage|Sink)\\(\\s*${q}`),
  ].some((re) => re.test(code));
}

describe('unit type names in src/', () => {
  const units = allUnits();
  const found = new Map<string, Set<string>>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel === 'src/core/registry.ts' || /^src\/(sources|stages|sinks)\/index\.ts$/.test(rel)) continue;
    const code = codeOf(fs.readFileSync(file, 'utf8'));
    for (const u of units) {
      const home = `src/${u.kind}s/${u.type}`;
      if (rel === `${home}.ts` || rel.startsWith(`${home}/`)) continue;
      if (mentions(code, u.type)) found.set(rel, (found.get(rel) ?? new Set()).add(u.type));
    }
  }

  it("appear only in the unit's own file or folder, the registries, and the places listed with a reason", () => {
    const unexpected = [...found].flatMap(([file, types]) => [...types].filter((t) => !ALLOWED[file]?.[t]).map((t) => `${file}: ${t}`));
    expect(unexpected).toEqual([]);
  });

  it('leave no stale entry in the list of exceptions', () => {
    const stale = Object.entries(ALLOWED).flatMap(([file, types]) =>
      Object.keys(types)
        .filter((t) => !found.get(file)?.has(t))
        .map((t) => `${file}: ${t}`),
    );
    expect(stale).toEqual([]);
  });
});
