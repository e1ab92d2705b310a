/**
 * Data of the single-slot layout (revoker 0.1: every key under one hash-tagged prefix such as
 * `{revoker}`), which this version neither reads nor writes. Found at start-up so an operator who
 * upgraded without draining hears of it instead of jobs waiting forever unseen (README,
 * "Migrating from the single-slot layout").
 */
import type { RedisClient } from './redis-connection.ts';

/** The prefix the old layout used for this namespace: the same name in braces. */
export const legacyPrefix = (namespace: string) => `{${namespace}}`;

/**
 * A warning when keys of the old layout exist for this namespace. The keys looked at share the
 * old prefix's tag, so one EXISTS answers on a cluster too.
 */
export async function legacyLayoutWarning(
  redis: RedisClient,
  namespace: string,
): Promise<string | undefined> {
  const old = legacyPrefix(namespace);
  const found = await redis.exists(
    `${old}:results`,
    `${old}:batches`,
    `${old}:dead-letter:meta`,
    `${old}:halts`,
    `${old}:rate-limits`,
  );
  if (found === 0) return undefined;
  return (
    `Redis holds data of the single-slot layout under "${old}:" (revoker 0.1), which this version does not ` +
    'read: jobs queued there are not run, and its batches are not reported. Drain it with the old version, or ' +
    'see README, "Migrating from the single-slot layout"'
  );
}
