import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from '../../src/batch/atomic-write.js';

describe('atomic result writes', () => {
  it('replaces the whole file and leaves no temporary file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-atomic-'));
    const file = path.join(dir, 'sub/r.json');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['r.json']);
  });

  it('clears temporary files of dead writers, never those of live ones or finished results', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-atomic-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(dir, `a.json.tmp-${dead}-0`), '{"half":');
    fs.writeFileSync(path.join(dir, `b.json.tmp-${process.ppid}-0`), '{');
    fs.writeFileSync(path.join(dir, 'c.json'), '{}');
    expect(removeStaleTemps(dir)).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual([`b.json.tmp-${process.ppid}-0`, 'c.json']);
  });
});
