import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile, parsePipeline } from '../../src/core/config/load-pipeline.js';
import { MAX_PIPELINE_FILE_BYTES, yamlLimitProblem } from '../../src/core/config/yaml-limits.js';

const laughs = [
  'a: &a [x,x,x,x,x,x,x,x,x]',
  ...'bcdefg'.split('').map(
    (c, i) =>
      `${c}: &${c} [${Array(9)
        .fill('*' + 'abcdefg'[i])
        .join(',')}]`,
  ),
].join('\n');

describe('pipeline file limits', () => {
  it('refuses a file over 1 MiB before reading it, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-limits-'));
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, 'source:\n  type: synthetic\n  note: ' + 'a'.repeat(MAX_PIPELINE_FILE_BYTES) + '\n');
    const loaded = loadPipelineFile(file);
    expect(loaded.config).toBeUndefined();
    expect(loaded.problems).toEqual([expect.objectContaining({ file, severity: 'error', message: expect.stringMatching(/at most 1 MiB/) })]);
  });

  it('refuses a billion-laughs alias bomb as a config problem instead of throwing', () => {
    const loaded = parsePipeline(laughs, { env: {}, file: 'bomb.yaml' });
    expect(loaded.problems).toEqual([expect.objectContaining({ file: 'bomb.yaml', message: expect.stringMatching(/alias/) })]);
  });

  it('refuses 200,000 nested flow brackets in milliseconds instead of overflowing the stack', () => {
    const t0 = Date.now();
    const loaded = parsePipeline('source: ' + '['.repeat(200_000) + ']'.repeat(200_000), { env: {}, file: 'deep.yaml' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(loaded.problems[0]?.message).toMatch(/nested more than 64 deep/);
  });

  it('refuses 40,000 keys at once instead of parsing them in quadratic time', () => {
    const t0 = Date.now();
    const loaded = parsePipeline(Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n'), { env: {}, file: 'keys.yaml' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(loaded.problems[0]?.message).toMatch(/more than 2000 keys/);
  });

  it("still reports a repeated key with its line, checked without yaml's quadratic check", () => {
    const loaded = parsePipeline('source:\n  type: synthetic\n  seed: 1\n  seed: 2\nsinks: []\n', { env: {}, file: 'dup.yaml' });
    expect(loaded.problems).toEqual([expect.objectContaining({ line: 4, message: 'YAML: Map keys must be unique' })]);
  });

  it('passes every shipped pipeline', () => {
    const dir = path.resolve(import.meta.dirname, '../../pipelines');
    for (const f of fs.readdirSync(dir)) expect(yamlLimitProblem(fs.readFileSync(path.join(dir, f), 'utf8')), f).toBeUndefined();
  });
});
