import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('schema/pipeline.schema.json', () => {
  it('is what `autodvt schema` prints today (regenerate it with `npx autodvt schema > schema/pipeline.schema.json`)', async () => {
    const r = await runCli('schema');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'schema/pipeline.schema.json'), 'utf8')).toBe(r.stdout);
  });
});

describe('docs/units.md', () => {
  it('is what `autodvt list --markdown` prints today (regenerate it with `npx autodvt list --markdown > docs/units.md`)', async () => {
    const r = await runCli('list', '--markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### `sliding-window`');
    expect(fs.readFileSync(path.join(root, 'docs/units.md'), 'utf8')).toBe(r.stdout);
  });
});
