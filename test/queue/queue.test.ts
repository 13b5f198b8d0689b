import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from '../batch/phantom-exams.js';
import { spawnCli, waitFor as waitUntil } from './cli-process.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const skip = redisUnavailable();
if (skip) console.warn(skip);

const cli = spawnCli;
const waitFor = (cond: () => boolean, timeoutMs = 120_000) => waitUntil(cond, timeoutMs);

describe.skipIf(Boolean(skip))('queue (BullMQ on a real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('gives every exam exactly one result when one of two workers is killed mid-exam', async () => {
    const exams = await phantomExamFolder({ subjects: 3, durationS: 1, seed: 11, corrupt: ['phantom-11-s002.mp4'] });
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-queue-run-'));
    const queue = `autodvt-test-${process.pid}-${Date.now()}`;
    const common = ['--redis', redis.url, '--queue', queue];

    const enqueue = await cli(['enqueue', path.join(root, 'pipelines/archive.yaml'), exams.dir, '--run-dir', runDir, ...common]).done;
    expect(enqueue.out).toContain('queued 6 exam(s)');
    expect(enqueue.code).toBe(0);

    const a = cli(['worker', ...common, '--lock', '3', '--exit-when-drained']);
    const b = cli(['worker', ...common, '--lock', '3', '--exit-when-drained']);
    // Kill worker A (no chance to clean up) while it holds an exam.
    const markerOf = (pid: number) =>
      fs.existsSync(path.join(runDir, 'exams')) &&
      fs
        .readdirSync(path.join(runDir, 'exams'))
        .some((f) => f.endsWith('.running') && fs.readFileSync(path.join(runDir, 'exams', f), 'utf8').includes(`:${pid}"`));
    await waitFor(() => markerOf(a.child.pid!));
    a.child.kill('SIGKILL');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(rb.code, rb.out).toBe(0);

    const files = fs.readdirSync(path.join(runDir, 'exams'));
    expect(
      files.filter((f) => !f.endsWith('.json')),
      'markers or temp files left',
    ).toEqual([]);
    const results = files.map((f) => JSON.parse(fs.readFileSync(path.join(runDir, 'exams', f), 'utf8')) as ExamResult);
    expect(results.map((r) => r.key).sort()).toEqual(exams.files.map((f) => path.basename(f)).sort());
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(5);
    expect(results.find((r) => r.status === 'failed')?.key).toBe('phantom-11-s002.mp4');

    // Worker B took over A's exam: it says it redid a partial exam, and wrote that result.
    const redone = /↻ (\S+): partial/.exec(rb.out)?.[1];
    expect(redone, rb.out).toBeDefined();
    expect(results.find((r) => r.key === redone)?.worker?.id).toContain(`:${b.child.pid}`);
    // No exam was finished twice: the finished lines of both workers name each exam once.
    const finished = [...ra.out.matchAll(/^[✓✖] (\S+):/gm), ...rb.out.matchAll(/^[✓✖] (\S+):/gm)].map((m) => m[1]);
    expect(finished.sort()).toEqual(results.map((r) => r.key).sort());
    // Each exam ran in a child process of its worker (the default): killing A ended A's child too.
    expect(ra.out).toContain('each exam in its own process');
  }, 300_000);
});
