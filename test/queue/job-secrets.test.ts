import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tmpDir } from '../helpers/run-cli.js';
import { startFakeDicomweb, type FakeDicomweb } from '../dicomweb/fake-dicomweb-server.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const archive = path.join(root, 'pipelines/archive.yaml');
const TOKEN = 'b3arer-t0ken-never-in-redis';
const skip = redisUnavailable();
if (skip) console.warn(skip);

/** Every key and value Redis holds, as one text. */
async function redisDump(url: string): Promise<string> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const parts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      const value =
        type === 'hash'
          ? await client.hgetall(key)
          : type === 'list'
            ? await client.lrange(key, 0, -1)
            : type === 'set'
              ? await client.smembers(key)
              : type === 'zset'
                ? await client.zrange(key, 0, -1)
                : type === 'stream'
                  ? await client.xrange(key, '-', '+')
                  : await client.get(key);
      parts.push(key, JSON.stringify(value));
    }
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}

describe.skipIf(Boolean(skip))('DICOMweb headers of queued exams', () => {
  let redis: RedisServer;
  let pacs: FakeDicomweb;
  beforeAll(async () => {
    redis = await startRedis();
    pacs = await startFakeDicomweb([fixture], { requireHeader: ['Authorization', `Bearer ${TOKEN}`] });
  }, 30_000);
  afterAll(async () => {
    delete process.env.AUTODVT_TEST_PACS_TOKEN;
    await pacs?.close();
    await redis?.stop();
  });

  it('travel as ${VAR} references: no job holds the token, and a worker fills it from its own environment', async () => {
    const queue = `autodvt-jobsecrets-${process.pid}-${Date.now()}`;
    const runDir = path.join(tmpDir('autodvt-jobsecrets-'), 'run');
    process.env.AUTODVT_TEST_PACS_TOKEN = TOKEN;
    const common = ['--redis', redis.url, '--queue', queue];
    const q = await runCli(
      'enqueue',
      archive,
      `${pacs.url}?modality=US`,
      '--run-dir',
      runDir,
      '--header',
      'Authorization: Bearer ${AUTODVT_TEST_PACS_TOKEN}',
      ...common,
    );
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toContain('queued 1 exam(s)');
    const dump = await redisDump(redis.url);
    expect(dump).toContain('Bearer ${AUTODVT_TEST_PACS_TOKEN}');
    expect(dump).not.toContain(TOKEN);

    const w = await runCli('worker', ...common, '--exit-when-drained');
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/✓ \S+: /);
    const [result] = fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'));
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'exams', result!), 'utf8')).status).toBe('ok');
    expect(await redisDump(redis.url)).not.toContain(TOKEN);
  }, 120_000);

  it('refuses a literal header value or credentials in the URL before anything is queued, without echoing them', async () => {
    const queue = `autodvt-jobsecrets-literal-${process.pid}-${Date.now()}`;
    const common = ['--redis', redis.url, '--queue', queue];
    const literal = await runCli('enqueue', archive, `${pacs.url}?modality=US`, '--header', `Authorization: Bearer ${TOKEN}`, ...common);
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain('--header Authorization: a literal value would be stored in every queued job');
    expect(literal.stderr).toContain("'Authorization: Bearer ${PACS_TOKEN}'");
    const inUrl = await runCli('enqueue', archive, `${pacs.url.replace('http://', `http://reader:${TOKEN}@`)}?modality=US`, ...common);
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).toContain('credentials in a queued URL would be stored');
    for (const r of [literal, inUrl]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(await redisDump(redis.url)).not.toContain(queue);
  }, 60_000);
});
