/**
 * Which account queues exist in Redis, whatever the config says: jobs of an account that was
 * removed from the config must not wait in silence (`account status`, the worker's start-up).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_STREAMS } from './job-options.ts';
import type { KeySpace } from './keys.ts';

/** Account names with a BullMQ queue under this prefix (SCAN: for commands, not hot paths). */
export async function accountsWithQueues(redis: Redis, keys: KeySpace): Promise<string[]> {
  const names = new Set<string>();
  const head = `${keys.prefix}:${keys.accountQueue('')}`;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${head}*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const name = key.slice(head.length, -':meta'.length);
      if (name) names.add(name);
    }
  } while (cursor !== '0');
  return [...names].sort();
}

/** Queues with jobs waiting whose account is not among `configured`: jobs no worker will run. */
export async function queuedAccountsNotIn(
  redis: Redis,
  keys: KeySpace,
  configured: readonly string[],
): Promise<{ account: string; waiting: number }[]> {
  const orphans: { account: string; waiting: number }[] = [];
  for (const account of await accountsWithQueues(redis, keys)) {
    if (configured.includes(account)) continue;
    const queue = new Queue(keys.accountQueue(account), {
      connection: redis,
      prefix: keys.prefix,
      streams: QUEUE_STREAMS,
    });
    try {
      const waiting = await queue.getJobCountByTypes('wait', 'prioritized', 'delayed');
      if (waiting > 0) orphans.push({ account, waiting });
    } finally {
      await queue.close();
    }
  }
  return orphans;
}
