/**
 * A poison exam never stops the queue: an exam whose decoding needs more memory than an
 * exam may use (a real 9000x9000 RGB DICOM, as in test/batch/poison-exam.test.ts) fails
 * alone in its own process, once, with its reason, and the worker goes on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueExams, runWorker } from '../../src/queue/index.js';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from '../batch/phantom-exams.js';
import { tmpDir } from '../helpers/run-cli.js';
import { largeNativeDicom } from '../reliability/bad-inputs.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
/** A good phantom exam's process peaks near 290 MiB; the poison needs about 500. */
const EXAM_MEMORY_MB = 400;
const POISON = 'a-poison.dcm';
const skip = redisUnavailable();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))('a poison exam in the queue', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('fails alone, once, with its reason, while the worker goes on with the other exam', async () => {
    const exams = await phantomExamFolder({ subjects: 1, durationS: 1, seed: 21, format: 'dicom' });
    fs.writeFileSync(path.join(exams.dir, POISON), largeNativeDicom(9000, 9000));
    const runDir = path.join(tmpDir('autodvt-poison-'), 'run');
    const queue = `autodvt-poison-${process.pid}-${Date.now()}`;
    const queued = await enqueueExams({
      pipelineFile: path.join(root, 'pipelines/archive.yaml'),
      inputs: [exams.dir],
      runDir,
      redisUrl: redis.url,
      queue,
      backoffMs: 100,
    });
    expect(queued.total).toBe(2);

    const out: string[] = [];
    const summary = await runWorker({
      redisUrl: redis.url,
      queue,
      exitWhenDrained: true,
      examMemoryMb: EXAM_MEMORY_MB,
      out: { write: (s: string) => out.push(s) } as never,
    });
    const text = out.join('');
    expect(summary, text).toMatchObject({ ok: 1, failed: 1, retried: 0 });
    const poison = JSON.parse(fs.readFileSync(path.join(runDir, 'exams', `${POISON}.json`), 'utf8')) as ExamResult;
    expect(poison.status).toBe('failed');
    expect(poison.error?.message).toMatch(/a-poison\.dcm: the exam (used more than 400 MiB of memory|ran out of memory)/);
    expect(poison.error?.category).toBe('input');
    // Tried once, not retried: a rerun would exhaust memory the same way.
    expect(text.match(new RegExp(`✖ ${POISON}:`, 'g'))).toHaveLength(1);
    const good = path.basename(exams.files[0]!);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'exams', `${good}.json`), 'utf8')).status).toBe('ok');
    expect(fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.running'))).toEqual([]);
  }, 300_000);
});
