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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-train-usage-'));
const labelled = path.join(dir, 'a.dcm');
fs.writeFileSync(labelled, 'not really dicom');
fs.writeFileSync(`${labelled}.labels.json`, JSON.stringify({ version: 1, segments: [{ start: 0, end: 3, landmark: 'BG' }] }));
const unlabelled = path.join(dir, 'b.dcm');
fs.writeFileSync(unlabelled, 'x');

describe('autodvt train and eval: argument errors exit 2 before anything runs', () => {
  it('train without --out is a usage error', async () => {
    const r = await cli('train', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out/);
  });

  it('train refuses an output that is not .onnx, bad split shares and a bad epoch count, all at once', async () => {
    const r = await cli('train', labelled, '--out', path.join(dir, 'm.bin'), '--train', '0.9', '--val', '0.2', '--epochs', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must end in .onnx');
    expect(r.stderr).toContain('leave a share for test');
    expect(r.stderr).toContain('--epochs 0');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('train names a media file that has no labels sidecar', async () => {
    const r = await cli('train', unlabelled, '--out', path.join(dir, 'm.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('b.dcm: no labels sidecar');
  });

  it('train refuses --from-scratch together with --init', async () => {
    const r = await cli('train', labelled, '--out', path.join(dir, 'm.onnx'), '--from-scratch', '--init', 'models/autodvt.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from-scratch and --init exclude each other');
  });

  it('eval --compare needs exactly two models that exist', async () => {
    const r = await cli('eval', labelled, '--compare', 'models/autodvt.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--compare takes two models (A B), got 1');
    const missing = await cli('eval', labelled, '--compare', 'models/autodvt.onnx', path.join(dir, 'nope.onnx'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.onnx: no such model file');
  });

  it('eval of a pipeline file refuses options meant for labelled files', async () => {
    const r = await cli('eval', 'pipelines/eval-phantom.yaml', '--model', 'models/autodvt.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('only for labelled files');
  });

  it('eval of a folder with no labelled file says so', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-eval-empty-'));
    fs.writeFileSync(path.join(empty, 'x.dcm'), 'x');
    const r = await cli('eval', empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no media file with a labels sidecar');
  });
});
