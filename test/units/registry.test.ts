import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allUnits } from '../../src/core/registry.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('unit registries', () => {
  it('register every unit file under src/sources, src/stages and src/sinks', async () => {
    const registered = new Set(allUnits().map((u) => `${u.kind}:${u.type}`));
    for (const kind of ['source', 'stage', 'sink'] as const) {
      const dir = path.join(root, 'src', `${kind}s`);
      for (const entry of fs.readdirSync(dir)) {
        const file = fs.statSync(path.join(dir, entry)).isDirectory() ? path.join(dir, entry, 'index.ts') : path.join(dir, entry);
        if (!file.endsWith('.ts') || !fs.existsSync(file)) continue;
        const text = fs.readFileSync(file, 'utf8');
        const m = /define(Source|Stage|Sink)\(\{\s*type: '([^']+)'/.exec(text);
        if (m) expect(registered, `${file} declares ${m[2]}`).toContain(`${m[1]!.toLowerCase()}:${m[2]}`);
      }
    }
  });

  it('give every unit a unique type within its kind', () => {
    const names = allUnits().map((u) => `${u.kind}:${u.type}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
