/**
 * The npm package as someone outside this repository gets it: `npm pack` builds dist/
 * (prepack; `.npmrc` sets ignore-scripts, so the pack asks for its own scripts) and packs only what a user needs; the tarball, unpacked as an installed
 * dependency (no src/, no tests), runs the demo through its bin and answers
 * `import { runPipeline } from 'autodvt'` with the README's API.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let tarball: string;
let packed: { path: string; size: number }[];
let installed: string;

beforeAll(() => {
  // Inside the repository (tmp/ is ignored), so the unpacked package resolves its
  // dependencies from the repository's node_modules, as an installed one would from its own.
  fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  work = fs.mkdtempSync(path.join(root, 'tmp', 'package-test-'));
  const out = execFileSync(npm, ['pack', '--ignore-scripts=false', '--json', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  const report = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; files: { path: string; size: number }[] }[];
  tarball = path.join(work, report[0]!.filename);
  packed = report[0]!.files;
  installed = path.join(work, 'node_modules', 'autodvt');
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npm package', () => {
  it('packs the compiled code, the shipped models and the docs, and no tests, sources, fixtures or training code', () => {
    const paths = packed.map((f) => f.path);
    for (const needed of [
      'bin/autodvt.js',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/video/wasm-worker.mjs',
      'models/autodvt.onnx',
      'models/autodvt.streaming.onnx',
      'models/autodvt.int8.onnx',
      'models/autodvt.streaming.int8.onnx',
      'pipelines/demo.yaml',
      'schema/pipeline.schema.json',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(paths, needed).toContain(needed);
    }
    for (const prefix of ['src/', 'test/', 'training/', '.ci/', 'bench/', 'scripts/', 'tmp/', 'node_modules/']) {
      expect(
        paths.filter((p) => p.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    }
    // About 11.9 MB before the int8 forms of the model (1.3 MB each, 2026-12-08), 13.2 MB with them.
    expect(fs.statSync(tarball).size).toBeLessThan(14 * 1024 * 1024);
  });

  it('prints no npm warning: the repository sets no setting npm does not know', () => {
    // `npm exec` reads the project's .npmrc as `npx autodvt` and `npm ci` do; an unknown key
    // (the old onnxruntime-node-install=skip) made every one of them print "npm warn".
    const run = spawnSync(npm, ['exec', '--no', '--', 'autodvt', '--version'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/npm warn/i);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 90_000);

  it('runs the demo from the installed package, without its sources', () => {
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
    const run = spawnSync(process.execPath, [path.join(installed, 'bin/autodvt.js'), 'run', path.join(installed, 'pipelines/demo.yaml')], {
      cwd: work,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(run.stderr).not.toMatch(/dist\/ is missing|Cannot find/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/exam .*(negative|refer|incomplete|not examined)/i);
  }, 180_000);

  it('runs a batch with each exam in its own process from the installed package (no TypeScript loader there)', () => {
    const fixture = path.join(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
    const runDir = path.join(work, 'run');
    const run = spawnSync(
      process.execPath,
      [
        path.join(installed, 'bin/autodvt.js'),
        'run',
        path.join(installed, 'pipelines/archive.yaml'),
        '--input',
        fixture,
        '--isolate',
        'every',
        '--run-dir',
        runDir,
        '--progress-interval',
        '0',
      ],
      { cwd: work, encoding: 'utf8', timeout: 170_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const results = fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'));
    expect(results).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'exams', results[0]!), 'utf8')).status).toBe('ok');
  }, 180_000);

  it("answers `import { runPipeline } from 'autodvt'` and runs a pipeline through the API", () => {
    const script = path.join(work, 'use-api.mjs');
    fs.writeFileSync(
      script,
      `import { runPipeline, parsePipeline, requireValid, DISCLAIMER } from 'autodvt';
import { createPhantomExam } from 'autodvt/phantom';
const config = requireValid(parsePipeline('source: { type: synthetic, seed: 3, durationS: 2, vendorFrame: false }\\nsinks: [ { type: json-log, path: ${JSON.stringify(path.join(work, 'events.ndjson'))} } ]', { env: {}, baseDir: process.cwd() }));
const kinds = new Set();
await runPipeline(config, { baseDir: process.cwd(), signal: new AbortController().signal, tap: (e) => kinds.add(e.kind) });
console.log(JSON.stringify({ kinds: [...kinds].sort(), disclaimer: typeof DISCLAIMER, phantom: typeof createPhantomExam }));
`,
    );
    const run = spawnSync(process.execPath, [script], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(result.kinds).toContain('frame');
    expect(result.disclaimer).toBe('string');
    expect(result.phantom).toBe('function');
    expect(fs.readFileSync(path.join(work, 'events.ndjson'), 'utf8').split('\n').length).toBeGreaterThan(10);
  }, 150_000);
});
