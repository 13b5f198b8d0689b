/** Run the CLI in-process and capture what it prints. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

export async function runCli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export function tmpDir(prefix = 'autodvt-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A pipeline file: `source` → json-log in a temp folder. Returns the file and the log path. */
export function sourceToLogPipeline(source: Record<string, unknown>): { file: string; log: string } {
  const dir = tmpDir('autodvt-src-');
  const log = path.join(dir, 'events.ndjson');
  const file = path.join(dir, 'p.yaml');
  fs.writeFileSync(file, JSON.stringify({ source, sinks: [{ type: 'json-log', path: log }] }, null, 1));
  return { file, log };
}

export function readLog(log: string): Record<string, any>[] {
  return fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}
