/**
 * Redis connections for the two roles. Workers wait for Redis forever (BullMQ requires
 * `maxRetriesPerRequest: null`); producers and commands fail each command fast, so a CLI never
 * hangs when Redis is down, but keep reconnecting with backoff, so a `submit --wait` rides out a
 * Redis restart.
 */
import { Redis } from 'ioredis';
import { RevokerError } from '../errors.ts';

export type ConnectionRole = 'worker' | 'producer';

export function createRedis(url: string, role: ConnectionRole): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableReadyCheck: true,
    connectTimeout: 5_000,
    lazyConnect: false,
    ...(role === 'producer' ? { retryStrategy: (times: number) => Math.min(200 * times, 2_000) } : {}),
  });
  // Without a listener ioredis prints every reconnect failure as "Unhandled error event" with a
  // stack: a Redis restart would flood a CLI's terminal. Callers see the faults as failed
  // commands, and workers log them from BullMQ's own error events.
  redis.on('error', () => {});
  return redis;
}

/** Checks that Redis answers; returns a warning when its eviction policy could lose jobs. */
export async function checkRedis(redis: Redis, url: string): Promise<string | undefined> {
  try {
    await redis.ping();
  } catch (cause) {
    throw new RevokerError('REDIS_ERR_UNAVAILABLE', `Redis at ${redactUrl(url)} does not answer`, { cause });
  }
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      return `Redis maxmemory-policy is ${policy[1]}: set it to noeviction, or Redis may evict queued jobs`;
    }
  } catch {
    // CONFIG may be disabled on managed Redis; nothing to check then.
  }
  return undefined;
}

/** A Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
