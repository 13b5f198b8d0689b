import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { AutodvtError, errorDetail, tagError } from '../../src/core/errors.js';

async function validate(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-phase2-'));
  const file = path.join(dir, 'p.yaml');
  fs.writeFileSync(file, text);
  const err: string[] = [];
  const code = await main(['validate', file], { stdout: { write: () => true } as never, stderr: { write: (s: string) => err.push(s) } as never });
  return { code, file, stderr: err.join('') };
}

describe('phase-2 problems', () => {
  it('carry the file:line of the value they are about, and name the unit once', async () => {
    const r = await validate(
      'source:\n  type: synthetic\nstages:\n  - type: crop-pad\n  - type: resize\n  - type: sliding-window\n  - type: onnx-inference\n    model: no-such-model.onnx\nsinks:\n  - type: console\n',
    );
    expect(r.code).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.includes('stages[3].model'));
    expect(line).toBeDefined();
    expect(line).toContain(`${r.file}:8:12 → stages[3].model (onnx-inference): `);
    expect(line).not.toMatch(/\[stage:onnx-inference\]/);
  });

  it('keep the position of the unit when the problem is about the unit as a whole', async () => {
    const r = await validate('source:\n  type: synthetic\nstages:\n  - type: compressibility\nsinks:\n  - type: console\n');
    expect(r.stderr).toContain(`${r.file}:4:5 → stages[0] (compressibility): needs \`prediction\` events`);
  });
});

describe('errors', () => {
  it('keep the message without the scope beside the scoped one', () => {
    const e = new AutodvtError('the file is truncated', { scope: 'dicom' });
    expect(e.message).toBe('[dicom] the file is truncated');
    expect(e.detail).toBe('the file is truncated');
    expect(errorDetail(e)).toBe('the file is truncated');
    expect(errorDetail(new Error('plain'))).toBe('plain');
    const tagged = tagError(new AutodvtError('no scope yet'), 'stage:resize');
    expect(tagged.message).toBe('[stage:resize] no scope yet');
    expect(tagged.detail).toBe('no scope yet');
  });
});
