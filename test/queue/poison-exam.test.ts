import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorker } from '../../src/queue/index.js';
import { enqueueExams } from '../../src/queue/index.js';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from '../batch/phantom-exams.js';
import { tmpDir } from '../helpers/run-cli.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const stub = path.join(import.meta.dirname, 'oom-exam-process.ts');
const skip = redisUnavailable();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))('a poison exam in the queue', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    delete process.env.AUTODVT_TEST_POISON_LOG;
    await redis?.stop();
  });

  it('fails alone, once, with its reason, while the worker goes on with the other exams', async () => {
    const exams = await phantomExamFolder({ subjects: 1, durationS: 1, seed: 21, format: 'dicom' });
    fs.copyFileSync(exams.files[0]!, path.join(exams.dir, 'poison.dcm'));
    const runDir = path.join(tmpDir('autodvt-poison-'), 'run');
    const queue = `autodvt-poison-${process.pid}-${Date.now()}`;
    const tries = path.join(tmpDir(), 'poison-tries.log');
    process.env.AUTODVT_TEST_POISON_LOG = tries;
    const queued = await enqueueExams({ pipelineFile: path.join(root, 'pipelines/archive.yaml'), inputs: [exams.dir], runDir, redisUrl: redis.url, queue, backoffMs: 100 });
    expect(queued.total).toBe(2);

    const out: string[] = [];
    const summary = await runWorker({
      redisUrl: redis.url,
      queue,
      exitWhenDrained: true,
      examMemoryMb: 384,
      examProcessEntry: stub,
      out: { write: (s: string) => out.push(s) } as never,
    });
    const text = out.join('');
    expect(summary, text).toMatchObject({ ok: 1, failed: 1 });
    const poison = JSON.parse(fs.readFileSync(path.join(runDir, 'exams', 'poison.dcm.json'), 'utf8')) as ExamResult;
    expect(poison.status).toBe('failed');
    expect(poison.error?.message).toBe("the exam's process ran out of memory (heap limit 384 MB)");
    expect(poison.error?.category).toBe('input');
    expect(poison.hashes.input).not.toBe('unreadable');
    expect(text).toContain("✖ poison.dcm: the exam's process ran out of memory");
    // Tried once, not retried: a rerun would exhaust memory the same way.
    expect(fs.readFileSync(tries, 'utf8').trim().split('\n')).toHaveLength(1);
    const others = fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json') && f !== 'poison.dcm.json');
    expect(others.map((f) => JSON.parse(fs.readFileSync(path.join(runDir, 'exams', f), 'utf8')).status)).toEqual(['ok']);
    expect(fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.running'))).toEqual([]);
  }, 300_000);
});
