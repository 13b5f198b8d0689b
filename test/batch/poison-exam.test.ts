/**
 * A poison exam never stops a batch: an exam whose decoding needs more memory than an
 * exam may use fails alone (its own process is stopped), is recorded as failed with the
 * reason, and later runs do not try it again; an exam a run died on is run alone next time.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import type { ExamResult } from '../../src/batch/index.js';
import { largeNativeDicom } from '../reliability/bad-inputs.js';
import { phantomExamFolder } from './phantom-exams.js';

const root = path.resolve(import.meta.dirname, '../..');
const pipeline = path.join(root, 'pipelines/archive.yaml');
/** A good phantom exam's process peaks near 290 MiB here; the 9000x9000 RGB poison needs about 500. */
const EXAM_MEMORY_MB = 400;
const POISON = 'a-poison.dcm';

const quiet = { write: () => true };

function result(runDir: string, key: string): ExamResult | undefined {
  const file = path.join(runDir, 'exams', `${key}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ExamResult) : undefined;
}

describe('a poison exam in a batch run', () => {
  let dir: string;
  let good: string;
  beforeAll(async () => {
    const exams = await phantomExamFolder({ subjects: 1, durationS: 1, format: 'dicom' });
    dir = exams.dir;
    good = path.basename(exams.files[0]!);
    fs.writeFileSync(path.join(dir, POISON), largeNativeDicom(9000, 9000));
  }, 60_000);

  it('fails alone when every exam runs isolated: the run finishes, the poison is failed with its reason, and a rerun skips it', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-poison-'));
    const options = { pipelineFile: pipeline, inputs: [dir], runDir, stdout: quiet, stderr: quiet, isolate: 'every' as const, examMemoryMb: EXAM_MEMORY_MB };
    const first = await runBatch(options);
    expect(first.total).toBe(2);
    expect(first.ok).toBe(1);
    expect(first.failures).toEqual([{ key: POISON, message: expect.stringMatching(/a-poison\.dcm: the exam used more than 400 MiB of memory/) }]);
    expect(result(runDir, good)?.status).toBe('ok');
    const failed = result(runDir, POISON)!;
    expect(failed.error).toMatchObject({ category: 'input', hint: expect.stringContaining('--retry-failed') });

    const second = await runBatch(options);
    expect(second.ran).toBe(0);
    expect(second.skipped).toBe(2);
    expect(result(runDir, POISON)?.timing.startedAt).toBe(failed.timing.startedAt);
  }, 240_000);

  it('runs an exam that a killed run died on alone the next time, records it failed, and does not retry it after that', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-poison-'));
    const cli = (extra: string[] = []) => {
      const child = spawn(
        process.execPath,
        [
          path.join(root, 'bin/autodvt.js'),
          'run',
          pipeline,
          '--input',
          dir,
          '--run-dir',
          runDir,
          '--exam-memory-mb',
          String(EXAM_MEMORY_MB),
          '--progress-interval',
          '0.5',
          ...extra,
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr })),
      );
      return { child, done };
    };

    // 1. The process dies while the poison runs (as it would when out of memory): SIGKILL, no cleanup.
    const first = cli();
    const marker = path.join(runDir, 'exams', `${POISON}.running`);
    const until = Date.now() + 60_000;
    while (!fs.existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(marker)).toBe(true);
    first.child.kill('SIGKILL');
    await first.done;
    expect(result(runDir, POISON)).toBeUndefined();

    // 2. The resume runs the poison alone, within the limit: it fails, the rest finishes.
    const second = await cli().done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`↻ ${POISON}: partial, running it again`);
    const failed = result(runDir, POISON)!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/used more than 400 MiB of memory .*when run alone after an earlier run was cut short on it/);
    expect(result(runDir, good)?.status).toBe('ok');
    expect(fs.existsSync(marker)).toBe(false);

    // 3. Another resume does not try it again.
    const third = await cli().done;
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('2 already done');
    expect(result(runDir, POISON)?.timing.startedAt).toBe(failed.timing.startedAt);
  }, 240_000);
});
