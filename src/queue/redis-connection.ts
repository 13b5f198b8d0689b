/**
 * The Redis connection BullMQ runs on. BullMQ's ESM build cannot load a driver by
 * itself, so the connection is made here, with `ioredis` imported lazily (only the
 * queue commands need it) and a message that says how to get it when it is missing.
 * A password in the URL (`redis://:secret@host:6379`) never appears in a message.
 */
import { AutodvtError } from '../core/errors.js';
import { redactUrl, redactUrlsIn } from '../secrets/redact-url.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE = 'autodvt-exams';

export interface RedisHandle {
  /** An ioredis client (typed loosely: the driver is an optional dependency). */
  client: any;
  close(): Promise<void>;
}

export function redisUrlOf(url?: string): string {
  return url ?? process.env.AUTODVT_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** BullMQ, an optional peer dependency: only `enqueue` and `worker` load it. */
export async function importBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (err) {
    throw new AutodvtError('the queue library `bullmq` is not installed', {
      scope: 'queue',
      hint: 'npm install bullmq ioredis (only `autodvt enqueue` and `autodvt worker` need them)',
      cause: err,
    });
  }
}

export async function openRedis(url: string): Promise<RedisHandle> {
  let IORedis: any;
  try {
    const mod: any = await import('ioredis' as string);
    IORedis = mod.default ?? mod.Redis ?? mod;
  } catch (err) {
    throw new AutodvtError('the Redis driver `ioredis` is not installed', {
      scope: 'queue',
      hint: 'npm install bullmq ioredis (only `autodvt enqueue` and `autodvt worker` need them)',
      cause: err,
    });
  }
  // BullMQ's blocking commands need maxRetriesPerRequest: null.
  const client = new IORedis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  client.on('error', () => undefined); // reported through the failing command instead
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new AutodvtError(`cannot reach Redis at ${redactUrl(url)}: ${redactUrlsIn((err as Error).message)}`, {
      scope: 'queue',
      hint: 'start redis-server, or pass --redis redis://host:port (or set AUTODVT_REDIS_URL)',
      cause: err,
    });
  }
  return {
    client,
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
