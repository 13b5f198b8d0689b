/**
 * The live run as a user runs it: `producer | node bin/autodvt.js run live.yaml`,
 * stopped with SIGINT, or losing its producer on a named pipe.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { produceFrames, readLog, root, tinyModel, tmpDir } from './live-helpers.js';

const bin = path.join(root, 'bin/autodvt.js');

function pipelineFile(dir: string, source: string): string {
  const file = path.join(dir, 'live.yaml');
  fs.writeFileSync(
    file,
    `${source}
flow:
  metricsIntervalMs: 500
stages:
  - type: crop-pad
    size: 600
  - type: resize
    size: 150
  - type: sliding-window
    size: 9
  - type: onnx-inference
    model: ${JSON.stringify(tinyModel)}
sinks:
  - type: console
  - type: json-log
    path: events.ndjson
`,
  );
  return file;
}

function waitFor(check: () => boolean, limitMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (check()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() - started > limitMs) {
        clearInterval(t);
        reject(new Error('timed out waiting'));
      }
    }, 50);
  });
}

const frameLines = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"kind":"frame"')).length
    : 0;

describe('live runs from the command line', () => {
  it('SIGINT mid-run flushes every sink: complete JSON lines, an exam summary and final metrics', async () => {
    const dir = tmpDir();
    const file = pipelineFile(dir, 'source:\n  type: stdin\n  size: 320x240\n  fps: 30');
    const producer = produceFrames({ frames: 3000, size: '320x240', realtime: true });
    const run = spawn(process.execPath, [bin, 'run', file], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    producer.stdout!.pipe(run.stdin);
    run.stdin.on('error', () => undefined);
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (c) => (stdout += c));
    run.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => run.once('close', (code) => resolve(code)));
    const log = path.join(dir, 'events.ndjson');
    await waitFor(() => frameLines(log) >= 30, 30_000);
    run.kill('SIGINT');
    const code = await exited;
    producer.kill('SIGKILL');
    expect(code).toBe(130); // cut short by a signal (128 + SIGINT), everything up to then kept
    expect(stderr).toContain('SIGINT: stopping');
    const text = fs.readFileSync(log, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = readLog(log); // every line parses
    const exam = lines.find((l) => l.kind === 'exam')!;
    expect(exam).toMatchObject({ examId: expect.stringMatching(/^live-/), incompleteReason: expect.stringContaining('interrupted') });
    expect(exam.frames).toBeGreaterThanOrEqual(30);
    const final = lines.filter((l) => l.kind === 'metrics').at(-1)!;
    expect(lines.indexOf(final)).toBeGreaterThan(lines.indexOf(exam));
    expect(final.counters.framesIn).toBe(exam.frames);
    expect(final.counters.framesProcessed + final.counters.dropped).toBe(exam.frames);
    expect(stdout).toContain('── summary ──');
  }, 60_000);

  it('a producer killed on a named pipe gives a warning, a reconnect attempt and a final summary', async () => {
    const dir = tmpDir();
    const fifo = path.join(dir, 'frames.fifo');
    execFileSync('mkfifo', [fifo]);
    const file = pipelineFile(
      dir,
      'source:\n  type: stdin\n  path: frames.fifo\n  size: 320x240\n  onEnd: reconnect\n  openTimeoutMs: 1000\n  reconnect: { attempts: 1, backoffMs: 100 }',
    );
    const run = spawn(process.execPath, [bin, 'run', file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    run.stdout.on('data', (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => run.once('close', (code) => resolve(code)));
    const producer = spawn(
      'ffmpeg',
      ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'rawvideo', '-pix_fmt', 'gray', '-y', fifo],
      { stdio: 'ignore' },
    );
    const log = path.join(dir, 'events.ndjson');
    await waitFor(() => frameLines(log) >= 30, 30_000);
    producer.kill('SIGKILL');
    expect(await exited).toBe(0);
    const lines = readLog(log);
    const warnings = lines.filter((l) => l.kind === 'warning').map((l) => l.message as string);
    expect(warnings.some((w) => /reconnecting in 100 ms \(attempt 1 of 1\)/.test(w))).toBe(true);
    expect(warnings.some((w) => /giving up on .*frames\.fifo/.test(w))).toBe(true);
    const exam = lines.find((l) => l.kind === 'exam')!;
    expect(exam.incompleteReason).toMatch(/gave up after 1 reconnect attempt; \d+ frames seen/);
    expect(exam.frames).toBeGreaterThanOrEqual(30);
    expect(lines.at(-1)!.kind).toBe('metrics');
    expect(stdout).toMatch(/ended early: input lost/);
  }, 60_000);
});
