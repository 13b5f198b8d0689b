/**
 * A real redis-server for the queue tests. CI (`.ci/run`) starts one and sets
 * AUTODVT_TEST_REDIS_URL; a test then uses it and fails clearly when it does not
 * answer. Otherwise the test starts its own (Debian `redis-server`) on a free port
 * in a temporary folder, and is skipped with a message when the binary — or the
 * `ioredis` driver BullMQ needs — is missing, except in CI (CI set).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export function redisUnavailable(): string | undefined {
  let missing: string | undefined;
  try {
    createRequire(import.meta.url).resolve('ioredis');
  } catch {
    missing = 'the ioredis package is not installed (BullMQ needs it: npm install ioredis)';
  }
  if (!missing && spawnSync('redis-server', ['--version']).error) {
    missing = 'redis-server is not installed (apt-get install redis-server)';
  }
  if (missing && process.env.CI) throw new Error(`${missing}: CI must provide it (.ci/run installs redis-server and sets AUTODVT_TEST_REDIS_URL)`);
  return missing ? `${missing} — skipping the queue tests` : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The shared server (CI's, from AUTODVT_TEST_REDIS_URL) or one of our own; with a
 * `password`, always our own, started with `requirepass` (the URL then carries it).
 */
export async function startRedis(opts: { password?: string } = {}): Promise<RedisServer> {
  const external = opts.password ? undefined : process.env.AUTODVT_TEST_REDIS_URL;
  if (external) {
    await waitForPort(new URL(external), 5_000, `AUTODVT_TEST_REDIS_URL=${external} does not answer: is redis-server running (see .ci/run)?`);
    return { url: external, stop: async () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-redis-'));
  const port = await freePort();
  const auth = opts.password ? ['--requirepass', opts.password] : [];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...auth], {
    stdio: 'ignore',
  });
  const url = opts.password ? `redis://:${encodeURIComponent(opts.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
  await waitForPort(new URL(url), 10_000, 'redis-server did not start');
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForPort(url: URL, timeoutMs: number, message: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(Number(url.port || 6379), url.hostname, () => {
        s.end('PING\r\n');
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}
