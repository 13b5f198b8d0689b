import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir } from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const archive = path.join(root, 'pipelines/archive.yaml');
const oneExam = path.join(root, 'test/fixtures/dicom/us_atl_hdi5000_jpeg_baseline.dcm');

describe('CLI usage mistakes', () => {
  it('an unknown option exits 2 before the command runs anything', async () => {
    const runDir = path.join(tmpDir('autodvt-strict-'), 'run');
    const r = await runCli('run', archive, '--input', oneExam, '--run-dir', runDir, '--out', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: out');
    expect(r.stderr).toContain('nothing was run');
    // The batch would have created its run directory first thing.
    expect(fs.existsSync(runDir)).toBe(false);
    expect(r.stdout).toBe('');
  });

  it('an unknown option of validate exits 2 instead of validating', async () => {
    const r = await runCli('validate', path.join(root, 'pipelines/demo.yaml'), '--bogus');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('✔');
    expect(r.stderr).toContain('Unknown argument: bogus');
  });

  it('an unknown command exits 2, names the command and suggests the nearest one', async () => {
    const r = await runCli('prob', 'x.dcm');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "prob"');
    expect(r.stderr).toContain('hint: Did you mean probe?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing argument exits 2 with the name of what is missing', async () => {
    const r = await runCli('enqueue');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing required argument: pipeline');
  });

  it('--help still exits 0', async () => {
    const r = await runCli('validate', '--help');
    // yargs writes the help itself (console.log), not through the CLI's streams.
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
