import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { errorJson, reportError } from '../../src/cli/report-error.js';
import { AutodvtError } from '../../src/core/errors.js';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A pipeline whose json-log sink cannot open its file (its folder is a file). */
function unwritableLog() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-report-error-'));
  const notAFolder = path.join(dir, 'not-a-folder');
  fs.writeFileSync(notAFolder, '');
  const file = path.join(dir, 'p.yaml');
  fs.writeFileSync(file, `source:\n  type: synthetic\n  durationS: 0.2\nstages: []\nsinks:\n  - type: json-log\n    path: ${notAFolder}/log.jsonl\n`);
  return file;
}

describe('the CLI error report', () => {
  it("prints a failing unit's scope exactly once, with the unit's file:line", async () => {
    const file = unwritableLog();
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/\[sink:json-log\]/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: \[sink:json-log\] cannot open .*log\.jsonl for writing/m);
    expect(r.stderr).toContain(`  in ${file}:6:5 → sinks[0]\n`);
  });

  it('gives the same fields, not the text, in the --json summary', async () => {
    const file = unwritableLog();
    const r = await cli('run', '--json', file);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ scope: 'sink:json-log', category: 'config', path: 'sinks[0]', file, line: 6, column: 5 });
    expect(error.message).toMatch(/^cannot open /);
  });

  it('prints the hint on its own line and masks credentials in URLs', () => {
    const err = new AutodvtError('cannot reach https://user:secret@pacs.example/dicom-web', {
      scope: 'dicomweb',
      category: 'input',
      hint: 'check the address',
    });
    const out: string[] = [];
    expect(reportError(err, { write: (s: string) => out.push(s) } as never, false)).toBe(2);
    expect(out.join('')).toBe('error: [dicomweb] cannot reach https://***@pacs.example/dicom-web\nhint: check the address\n');
    expect(errorJson(err)).toEqual({
      message: 'cannot reach https://***@pacs.example/dicom-web',
      scope: 'dicomweb',
      category: 'input',
      hint: 'check the address',
    });
  });
});
