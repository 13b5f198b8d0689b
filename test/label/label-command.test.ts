import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const loop = path.join(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');

describe('autodvt label (command line)', () => {
  it('exits 2 and names the path when the input does not exist', async () => {
    const r = await runCli('label', '/no/such/exams');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: [label] /no/such/exams: no such file or folder');
    expect(r.stdout).toBe('');
  });

  it('exits 2 before serving anything when the pre-label model is missing', async () => {
    const r = await runCli('label', loop, '--model', '/no/such/model.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/no/such/model.onnx: no such model file');
    expect(r.stderr).toContain('--no-prelabels');
    expect(r.stdout).not.toContain('http://');
  });

  it('exits 2 on a port that is not a port number', async () => {
    const r = await runCli('label', loop, '--port', '70000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port 70000');
  });
});
