import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '../..');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function tmpFile(name: string, text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-cli-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('autodvt CLI', () => {
  it('validate reports every mistake of a bad file and exits 2', async () => {
    const file = tmpFile('x.yaml', 'source:\n  type: synthetic\n  sed: 3\nstages:\n  - type: sliding-window\n    size: 0\nsinks:\n  - type: consol\n');
    const r = await cli('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('✖'))).toHaveLength(3);
    expect(r.stderr).toContain(`${file}:6:11 → stages[0].size (sliding-window)`);
  });

  it('validate passes the shipped pipelines', async () => {
    const files = fs
      .readdirSync(path.join(root, 'pipelines'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(root, 'pipelines', f));
    expect(files.length).toBeGreaterThan(0);
    const r = await cli('validate', ...files);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('✖'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('list shows every unit with its parameters', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sliding-window — ');
    expect(r.stdout).toMatch(/size: integer = 9/);
  });

  it('schema prints a JSON Schema that names every unit type', async () => {
    const r = await cli('schema');
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.stages.items).toBeDefined();
    expect(r.stdout).toContain('"const": "sliding-window"');
  });

  it('run exits 2 with one clear message for a missing pipeline file', async () => {
    const r = await cli('run', '/nonexistent/p.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/p.yaml');
    expect(r.stderr).toContain('file not found');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('run refuses a batch-only option without --input, naming it, and runs nothing', async () => {
    const r = await cli('run', path.join(root, 'pipelines/demo.yaml'), '--concurrency', '2', '--no-share-inference');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--concurrency, --share-inference only apply to a batch run: add --input');
    expect(r.stdout).toBe('');
  });

  it('probe exits 2 for an empty file', async () => {
    const r = await cli('probe', tmpFile('empty.dcm', ''));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('empty file');
  });

  it('an unknown command exits 2', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
  });

  it('the installed bin runs the demo end to end and prints a summary', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'bin/autodvt.js'), 'run', path.join(root, 'pipelines/demo.yaml'), '--set', 'source.durationS=2'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.stderr).not.toContain('error');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('── summary ──');
  }, 150_000);
});
