import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from '../batch/phantom-exams.js';
import { tmpDir } from '../helpers/run-cli.js';
import { spawnCli, waitFor as waitUntil } from './cli-process.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const skip = redisUnavailable();
if (skip) console.warn(skip);

const worker = (args: string[]) => spawnCli(['worker', ...args]);
const waitFor = (cond: () => boolean, timeoutMs = 150_000) => waitUntil(cond, timeoutMs);

describe.skipIf(Boolean(skip))('a job that kills its workers (in-process exams)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('is failed and recorded by the third worker instead of killing every worker that takes it', async () => {
    const exams = await phantomExamFolder({ subjects: 1, durationS: 4, seed: 41, format: 'dicom' });
    const runDir = path.join(tmpDir('autodvt-stalled-'), 'run');
    const queue = `autodvt-stalled-${process.pid}-${Date.now()}`;
    const common = ['--redis', redis.url, '--queue', queue, '--no-isolate', '--lock', '2'];
    const enqueue = spawn(process.execPath, [
      path.join(root, 'bin/autodvt.js'),
      'enqueue',
      path.join(root, 'pipelines/archive.yaml'),
      exams.dir,
      '--run-dir',
      runDir,
      '--redis',
      redis.url,
      '--queue',
      queue,
    ]);
    expect(await new Promise((r) => enqueue.on('close', r))).toBe(0);
    const key = path.basename(exams.files[0]!);
    const marker = path.join(runDir, 'exams', `${key}.running`);
    const holds = (pid: number) => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').includes(`:${pid}"`);

    // Two workers in a row die while running the exam (as one that runs out of memory would).
    for (let i = 0; i < 2; i++) {
      const w = worker(common);
      await waitFor(() => holds(w.child.pid!));
      w.child.kill('SIGKILL');
      await w.done;
    }
    const third = worker([...common, '--exit-when-drained']);
    const r = await third.done;
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`✖ ${key}: the worker running this exam died 2 times`);
    expect(r.out).not.toContain(`✓ ${key}`);
    const result = JSON.parse(fs.readFileSync(path.join(runDir, 'exams', `${key}.json`), 'utf8')) as ExamResult;
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/died 2 times/);
    expect(result.error?.category).toBe('input');
    expect(fs.existsSync(marker)).toBe(false);
  }, 400_000);
});
