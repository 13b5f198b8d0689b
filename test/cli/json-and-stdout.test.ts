/**
 * Machine-readable CLI output: `validate --json` and `run --json` print one object on
 * stdout and nothing else there; a sink that writes data to stdout (json-log `path: -`)
 * cannot share it with a console sink or with `run --json`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function pipelineFile(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-json-'));
  const file = path.join(dir, 'p.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const SHORT_SOURCE = 'source:\n  type: synthetic\n  seed: 5\n  durationS: 2\n  vendorFrame: false\n';

describe('validate --json', () => {
  it('prints every problem with its file and line as one object, and still exits 2', async () => {
    const bad = pipelineFile('source:\n  type: synthetic\n  sed: 3\nstages:\n  - type: sliding-window\n    size: 0\nsinks:\n  - type: console\n');
    const good = pipelineFile(`${SHORT_SOURCE}sinks:\n  - type: console\n`);
    const r = await cli('validate', '--json', bad, good);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.files.map((f: { ok: boolean }) => f.ok)).toEqual([false, true]);
    const size = report.files[0].problems.find((p: { path: string }) => p.path === 'stages[0].size');
    expect(size).toMatchObject({ file: bad, line: 6, severity: 'error', unitType: 'sliding-window' });
    expect(report.files[0].errors).toBe(report.files[0].problems.filter((p: { severity: string }) => p.severity === 'error').length);
    expect(r.stderr).toBe('');
  });
});

describe('who writes to stdout', () => {
  it('refuses NDJSON on stdout beside a console sink, at the json-log line, and accepts it with the console on stderr', async () => {
    const clash = pipelineFile(`${SHORT_SOURCE}sinks:\n  - type: console\n  - type: json-log\n    path: '-'\n`);
    const r = await cli('validate', clash);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${clash}:8:5 → sinks[1] (json-log): writes data to standard output, where sinks[0] (console) also writes`);

    const apart = pipelineFile(`${SHORT_SOURCE}sinks:\n  - type: console\n    target: stderr\n  - type: json-log\n    path: '-'\n`);
    expect((await cli('validate', apart)).code).toBe(0);
  });

  it('refuses two json-log sinks on stdout, once, at the second', async () => {
    const two = pipelineFile(`${SHORT_SOURCE}sinks:\n  - type: json-log\n    path: '-'\n  - type: json-log\n    path: '-'\n    kinds: [exam]\n`);
    const r = await cli('validate', '--json', two);
    const problems = JSON.parse(r.stdout).files[0].problems;
    expect(problems.filter((p: { severity: string }) => p.severity === 'error').map((p: { path: string }) => p.path)).toEqual(['sinks[1]']);
  });
});

describe('run --json', () => {
  it('prints one summary object on stdout (frames, the exam and its verdict); the console lines go to stderr', async () => {
    const file = pipelineFile(
      `${SHORT_SOURCE}stages:\n  - type: resize\n    size: 150\n  - type: sliding-window\n  - type: onnx-inference\n  - type: compressibility\nsinks:\n  - type: console\n    intervalMs: 0\n`,
    );
    const r = await cli('run', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ ok: true, exitCode: 0, frames: 60, dropped: 0 });
    expect(summary.exams).toHaveLength(1);
    expect(summary.exams[0].frames).toBe(60);
    expect(['negative', 'positive', 'refer', 'incomplete']).toContain(summary.exams[0].verdict);
    expect(r.stderr).toContain('── summary ──');
  }, 60_000);

  it('refuses a sink that writes data to stdout, and still prints the summary with the error', async () => {
    const file = pipelineFile(`${SHORT_SOURCE}sinks:\n  - type: json-log\n    path: '-'\n`);
    const r = await cli('run', file, '--json');
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(false);
    expect(summary.error.problems[0]).toMatchObject({ path: 'sinks[0]', line: 7 });
    expect(summary.error.problems[0].message).toContain('`run --json` prints its summary');
  });
});
