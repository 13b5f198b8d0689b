import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

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

  it('carry their file:line in the error `run` prints, which names the problem once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-phase2-'));
    const file = path.join(dir, 'p.yaml');
    fs.writeFileSync(
      file,
      'source:\n  type: synthetic\nstages:\n  - type: sliding-window\n  - type: onnx-inference\n    model: no-such-model.onnx\nsinks:\n  - type: console\n',
    );
    const err: string[] = [];
    const code = await main(['run', file], { stdout: { write: () => true } as never, stderr: { write: (s: string) => err.push(s) } as never });
    expect(code).toBe(2);
    const stderr = err.join('');
    expect(stderr).toMatch(/^error: 1 problem in the pipeline:\n/);
    expect(stderr).toContain(`✖ ${file}:6:12 → stages[1].model (onnx-inference): `);
    expect(stderr.split('stages[1].model')).toHaveLength(2);
  });

  it('keep the position of the unit when the problem is about the unit as a whole', async () => {
    const r = await validate('source:\n  type: synthetic\nstages:\n  - type: compressibility\nsinks:\n  - type: console\n');
    expect(r.stderr).toContain(`${r.file}:4:5 → stages[0] (compressibility): needs \`prediction\` events`);
  });
});
