/**
 * What an `Idempotency-Key` was first used for, kept in Redis for a while: callers that cannot
 * repeat a request byte for byte (a retrying webhook sender, a pipeline that re-renders its JSON)
 * send the same key, and get the first answer back instead of new work.
 *
 * A key is claimed before the work starts (`pending`, short TTL) and completed with the answer
 * (long TTL), so two requests with one key at the same moment never both run. The item's
 * fingerprint travels with the key: the same key for a different item is refused, not answered
 * with the first item's job.
 */
import { createHash } from 'node:crypto';
import type { KeySpace } from './keys.ts';
import type { RedisClient } from './redis-connection.ts';

/** The answer remembered under a key. */
export interface IdempotentAnswer {
  jobId: string;
  batchId: string;
}

export type IdempotencyClaim =
  /** The key is new: do the work, then complete() (or release() when it fails). */
  | { status: 'claimed' }
  /** The key was used for this same item: answer as then. */
  | { status: 'done'; answer: IdempotentAnswer }
  /** Another request with this key and item is being handled now. */
  | { status: 'in-flight' }
  /** The key was used for a different item. */
  | { status: 'mismatch' };

export interface IdempotencyStore {
  claim(key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(key: string, fingerprint: string, answer: IdempotentAnswer): Promise<void>;
  /** Frees a claimed key whose work failed (nothing was enqueued), so a corrected retry may use it. */
  release(key: string, fingerprint: string): Promise<void>;
}

interface Stored {
  fingerprint: string;
  answer?: IdempotentAnswer;
}

/** How long a claim holds the key while its work runs; a crashed server frees it after this. */
const PENDING_TTL_SECONDS = 60;

export function createIdempotencyStore(
  redis: RedisClient,
  keys: KeySpace,
  ttlSeconds: number,
): IdempotencyStore {
  const redisKey = (key: string) => keys.idempotency(createHash('sha256').update(key).digest('hex'));
  const read = async (key: string): Promise<Stored | undefined> => {
    const json = await redis.get(redisKey(key));
    return json === null ? undefined : (JSON.parse(json) as Stored);
  };
  return {
    async claim(key, fingerprint) {
      // Twice at most: a key that expires between the SET NX and the GET is simply new again.
      for (let round = 0; round < 2; round++) {
        const pending: Stored = { fingerprint };
        const set = await redis.set(redisKey(key), JSON.stringify(pending), 'EX', PENDING_TTL_SECONDS, 'NX');
        if (set === 'OK') return { status: 'claimed' };
        const stored = await read(key);
        if (stored === undefined) continue;
        if (stored.fingerprint !== fingerprint) return { status: 'mismatch' };
        return stored.answer ? { status: 'done', answer: stored.answer } : { status: 'in-flight' };
      }
      return { status: 'in-flight' };
    },
    async complete(key, fingerprint, answer) {
      const done: Stored = { fingerprint, answer };
      await redis.set(redisKey(key), JSON.stringify(done), 'EX', ttlSeconds);
    },
    async release(key, fingerprint) {
      const stored = await read(key);
      if (stored?.fingerprint === fingerprint && stored.answer === undefined) await redis.del(redisKey(key));
    },
  };
}
