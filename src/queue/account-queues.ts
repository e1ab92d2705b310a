/**
 * Which account queues exist in Redis, whatever the config says: jobs of an account that was
 * removed from the config must not wait in silence (`account status`, the worker's start-up).
 */
import { Queue } from 'bullmq';
import { QUEUE_STREAMS } from './job-options.ts';
import type { KeySpace } from './keys.ts';
import { globEscape, scanKeys } from './prefix-keys.ts';
import type { RedisClient } from './redis-connection.ts';

/** Account names with a BullMQ queue in this namespace (SCAN on every master: for commands, not hot paths). */
export async function accountsWithQueues(redis: RedisClient, keys: KeySpace): Promise<string[]> {
  const names = new Set<string>();
  // `NS:{a:NAME}:account-NAME:meta` (keys.ts): the name is read from the queue name.
  const head = `${keys.namespace}:{a:`;
  for (const key of await scanKeys(redis, `${globEscape(head)}*}:account-*:meta`, 1000)) {
    const match = /^\{a:([^}]+)\}:account-(.+):meta$/.exec(key.slice(keys.namespace.length + 1));
    if (match && match[1] === match[2]) names.add(match[1]!);
  }
  return [...names].sort();
}

/** Queues with jobs waiting whose account is not among `configured`: jobs no worker will run. */
export async function queuedAccountsNotIn(
  redis: RedisClient,
  keys: KeySpace,
  configured: readonly string[],
): Promise<{ account: string; waiting: number }[]> {
  const orphans: { account: string; waiting: number }[] = [];
  for (const account of await accountsWithQueues(redis, keys)) {
    if (configured.includes(account)) continue;
    const address = keys.accountQueue(account);
    const queue = new Queue(address.name, {
      connection: redis,
      prefix: address.prefix,
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
