import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.js';

const skip = redisUnavailable();
if (skip) console.warn(skip);

const PASSWORD = 'red1s-s3cret-pw';

describe.skipIf(Boolean(skip))('the Redis password never appears in what the queue commands print', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('the worker start banner names the server without its password', async () => {
    const queue = `autodvt-secrets-${process.pid}-${Date.now()}`;
    const r = await runCli('worker', '--redis', redis.url, '--queue', queue, '--exit-when-drained');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^worker \S+ on autodvt-secrets-\S+ at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ /m);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }, 30_000);

  it('a connection error names the server without its password', async () => {
    const port = new URL(redis.url).port;
    // A wrong password (refused by the server) and a closed port (refused by the system).
    for (const url of [`redis://:wrong-${PASSWORD}@127.0.0.1:${port}`, `redis://:${PASSWORD}@127.0.0.1:9`]) {
      const r = await runCli('worker', '--redis', url, '--exit-when-drained');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('cannot reach Redis at redis://***@127.0.0.1:');
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    }
  }, 30_000);
});
