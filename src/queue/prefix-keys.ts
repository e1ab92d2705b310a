/**
 * Every key of a namespace: for cleaning up after the demo, a test or a benchmark, in a Redis
 * that may be shared, and for commands that look for what exists (account queues). SCAN, not
 * KEYS, so a busy Redis is never blocked; on a Redis Cluster every master is scanned (SCAN
 * answers for one node only), and deletes go one slot at a time (a multi-key command may not
 * cross slots).
 */
import { keySlot } from './key-slot.ts';
import { masterNodes, type RedisClient } from './redis-connection.ts';

/** Escapes SCAN MATCH's glob characters, so a prefix is matched literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Every key matching a SCAN MATCH pattern, on every master. */
export async function scanKeys(redis: RedisClient, pattern: string, count = 5000): Promise<string[]> {
  const found: string[] = [];
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Every key of a namespace (`namespace:…`). */
export async function keysUnder(redis: RedisClient, namespace: string): Promise<string[]> {
  // The separator is part of the match: namespace `revoker` must not take `revoker-test:…` along.
  return scanKeys(redis, `${globEscape(namespace)}:*`);
}

/** Deletes every key of a namespace; returns how many. */
export async function deleteKeysUnder(redis: RedisClient, namespace: string): Promise<number> {
  const keys = await keysUnder(redis, namespace);
  await unlinkKeys(redis, keys);
  return keys.length;
}

/** UNLINKs keys of any slots, one command per slot and 1,000 keys. */
export async function unlinkKeys(redis: RedisClient, keys: readonly string[]): Promise<void> {
  const bySlot = new Map<number, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const group = bySlot.get(slot) ?? [];
    group.push(key);
    bySlot.set(slot, group);
  }
  for (const group of bySlot.values()) {
    for (let i = 0; i < group.length; i += 1000) await redis.unlink(...group.slice(i, i + 1000));
  }
}
