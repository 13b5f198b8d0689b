import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readLog, runCli, tmpDir } from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const live = { 'live-capture.yaml': 'capture-device', 'live-stdin.yaml': 'stdin' } as const;

/** Run the installed bin with the pipeline's json-log written under `out`, feeding `stdin` to it. */
function runBin(args: string[], out: string, stdin?: Buffer): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/autodvt.js'), ...args], { env: { ...process.env, OUT: out }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.on('error', () => undefined); // a run that fails early closes its input
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

function finalCounters(log: string): Record<string, number> {
  const metrics = readLog(log).filter((e) => e.kind === 'metrics');
  expect(metrics.length).toBeGreaterThan(0);
  return metrics.at(-1)!.counters;
}

describe('the live example pipelines', () => {
  it.each(Object.entries(live))('%s validates, reads a %s source and says in its header how to run it', async (name, type) => {
    const file = path.join(root, 'pipelines', name);
    const text = fs.readFileSync(file, 'utf8');
    expect(parse(text).source.type).toBe(type);
    const header = text.split('\n').filter((l) => l.startsWith('#'));
    expect(header.join('\n')).toContain(`npx autodvt run pipelines/${name}`);
    const r = await runCli('validate', file);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('✖'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('live-stdin.yaml reads every raw gray frame piped into the installed bin', async () => {
    const out = tmpDir('autodvt-live-stdin-');
    const frames = 24;
    const raw = Buffer.alloc(frames * 640 * 480);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) & 0xff;
    const r = await runBin(['run', path.join(root, 'pipelines/live-stdin.yaml')], out, raw);
    expect(r.code, r.output).toBe(0);
    const c = finalCounters(path.join(out, 'live-stdin.ndjson'));
    // Frames may be dropped (a live source never waits), but every one is read and counted.
    expect(c.framesIn).toBe(frames);
    expect(c.framesProcessed + c.dropped).toBe(frames);
  }, 120_000);

  it('live-capture.yaml captures from ffmpeg test pictures when its device is overridden', async () => {
    const out = tmpDir('autodvt-live-capture-');
    const set = ['source.format=lavfi', 'source.device=testsrc2=size=320x240:rate=30', 'source.maxFrames=20'].flatMap((s) => ['--set', s]);
    const r = await runBin(['run', path.join(root, 'pipelines/live-capture.yaml'), ...set], out);
    expect(r.code, r.output).toBe(0);
    const c = finalCounters(path.join(out, 'live-capture.ndjson'));
    expect(c.framesIn).toBe(20);
    expect(c.framesProcessed + c.dropped).toBe(20);
  }, 120_000);
});
