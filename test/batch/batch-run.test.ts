import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { main } from '../../src/cli/main.js';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from './phantom-exams.js';

const root = path.resolve(import.meta.dirname, '../..');
const pipeline = path.join(root, 'pipelines/archive.yaml');

function startRun(input: string, runDir: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/autodvt.js'), 'run', pipeline, '--input', input, '--run-dir', runDir, '--progress-interval', '0.5', ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function results(runDir: string): Map<string, ExamResult> {
  const dir = path.join(runDir, 'exams');
  const out = new Map<string, ExamResult>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    // Every result file on disk is whole: it parses, whenever the run was killed.
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ExamResult;
    out.set(r.key, r);
  }
  return out;
}

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('batch run over archived exams', () => {
  it('exits 2 with one clear message when --input names nothing', async () => {
    const err: string[] = [];
    const code = await main(['run', pipeline, '--input', '/nonexistent/exams'], {
      stdout: { write: () => true } as never,
      stderr: { write: (s: string) => err.push(s) } as never,
    });
    expect(code).toBe(2);
    expect(err.join('')).toContain('[batch:input] /nonexistent/exams: no such file or folder');
  });

  let exams: { dir: string; files: string[] };
  beforeAll(async () => {
    // 3 subjects x (DICOM + mp4) = 6 exams of 2 s (long enough that a kill lands mid-run
    // on a loaded machine), one DICOM and one mp4 cut in half.
    exams = await phantomExamFolder({ subjects: 3, durationS: 2, corrupt: ['phantom-5-s001.dcm', 'phantom-5-s002.mp4'] });
  }, 60_000);

  it('survives Ctrl-C and SIGKILL halfway, and a rerun finishes without redoing finished exams', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-run-'));

    // 1. Ctrl-C after the first result: exits 130, running exams leave no result.
    const first = startRun(exams.dir, runDir);
    await waitFor(() => results(runDir).size >= 1);
    first.child.kill('SIGINT');
    const r1 = await first.done;
    expect(r1.code).toBe(130);
    expect(r1.stderr).toContain('SIGINT: stopping');
    expect(r1.stderr).toMatch(/\[batch\] \d+\/6 exams/);
    const afterInt = results(runDir);
    expect(afterInt.size).toBeGreaterThanOrEqual(1);
    expect(afterInt.size).toBeLessThan(6);

    // 2. SIGKILL (no chance to clean up) once one more exam is done.
    const second = startRun(exams.dir, runDir, ['--concurrency', '2']);
    await waitFor(() => results(runDir).size >= afterInt.size + 1);
    second.child.kill('SIGKILL');
    await second.done;
    const afterKill = results(runDir);
    expect(afterKill.size).toBeLessThan(6);
    for (const [key, r] of afterInt) expect(afterKill.get(key)?.timing.startedAt, `${key} was redone`).toBe(r.timing.startedAt);

    // 3. The rerun finishes the rest and redoes none of the finished exams.
    const third = startRun(exams.dir, runDir, ['--concurrency', '2']);
    const r3 = await third.done;
    expect(r3.code, r3.stderr).toBe(0);
    const final = results(runDir);
    expect(final.size).toBe(6);
    for (const [key, r] of afterKill) expect(final.get(key)?.timing.startedAt, `${key} was redone`).toBe(r.timing.startedAt);
    expect(r3.stdout).toContain(`${afterKill.size} already done`);

    const ok = [...final.values()].filter((r) => r.status === 'ok');
    const failed = [...final.values()].filter((r) => r.status === 'failed');
    expect(ok).toHaveLength(4);
    expect(failed.map((r) => r.key).sort()).toEqual(['phantom-5-s001.dcm', 'phantom-5-s002.mp4']);
    for (const f of failed) expect(f.error?.message).toMatch(/phantom-5-s00[12]\.(dcm|mp4)/);
    for (const r of ok) {
      expect(r.frames).toBe(60);
      expect(r.verdict).toBeDefined();
      expect(r.models[0]?.hash).toMatch(/^[0-9a-f]{12}$/);
      expect(r.hashes.pipeline).toMatch(/^[0-9a-f]{16}$/);
      expect(r.evaluation?.predictions).toBeGreaterThan(0);
    }
    // No temporary files or running markers are left once the run is complete.
    expect(fs.readdirSync(path.join(runDir, 'exams')).filter((n) => !n.endsWith('.json'))).toEqual([]);

    // The run table and the evaluation across the run.
    const csv = fs.readFileSync(path.join(runDir, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]).toMatch(/^exam,status,verdict,/);
    expect(fs.readFileSync(path.join(runDir, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(r3.stdout).toContain('Evaluation across 4 labelled exam(s)');
    expect(r3.stdout).toContain('| LM1 |');
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8')).exams).toBe(4);
  }, 120_000);

  it('reads a manifest with labels kept elsewhere, and reruns an exam whose labels changed', async () => {
    const labelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-labels-'));
    const media = path.join(exams.dir, 'phantom-5-s000.dcm');
    const labels = path.join(labelsDir, 'left-leg.json');
    fs.copyFileSync(`${media}.labels.json`, labels);
    const manifest = path.join(labelsDir, 'manifest.csv');
    fs.writeFileSync(manifest, `# one exam\nexam_id,file,labels\nleft leg,"${media}",left-leg.json\n`);
    const runDir = path.join(labelsDir, 'run');
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } };
    const first = await runBatch({ pipelineFile: pipeline, inputs: [manifest], runDir, ...io, progressIntervalMs: 0 });
    expect(first).toMatchObject({ total: 1, ran: 1, ok: 1, failed: 0, evaluated: true });
    const result = results(runDir).get('left_leg')!;
    expect(result.input.labels).toBe(labels);
    expect(result.truth?.verdict).toBeDefined();

    const again = await runBatch({ pipelineFile: pipeline, inputs: [manifest], runDir, ...io, progressIntervalMs: 0 });
    expect(again).toMatchObject({ ran: 0, skipped: 1 });

    fs.appendFileSync(labels, '\n');
    const changed = await runBatch({ pipelineFile: pipeline, inputs: [manifest], runDir, ...io, progressIntervalMs: 0 });
    expect(changed).toMatchObject({ ran: 1, skipped: 0 });
    expect(out.join('')).toContain('left_leg: input changed');
  }, 60_000);
});
