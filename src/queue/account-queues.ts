/**
 * Which account queues exist in Redis, whatever the config says: jobs of an account that was
 * removed from the config must not wait in silence (`account status`, the worker's start-up).
 */
import type { Redis } from 'ioredis';
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
