/**
 * Fleet-wide control of one account's queue: the vendor's rate-limit waits, halts (paused queue +
 * the reason, kept in Redis so every host and `revoker account status` see it), and resume.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KeySpace } from './keys.ts';

export interface HaltRecord {
  reason: string;
  code: string;
  jobId: string;
  /** Epoch ms. */
  at: number;
}

export interface AccountControl {
  /** Every worker of this account waits `ms` before taking the next job. */
  rateLimit(ms: number): Promise<void>;
  halt(record: HaltRecord): Promise<void>;
  resume(): Promise<void>;
  haltRecord(): Promise<HaltRecord | undefined>;
}

export function createAccountControl(
  account: string,
  queue: Queue,
  redis: Redis,
  keys: KeySpace,
): AccountControl {
  return {
    async rateLimit(ms) {
      await queue.rateLimit(Math.max(1, Math.round(ms)));
    },
    async halt(record) {
      // The reason first: a paused queue without a reason would look like a manual pause.
      await redis.hsetnx(keys.halts, account, JSON.stringify(record));
      await queue.pause();
    },
    async resume() {
      await redis.hdel(keys.halts, account);
      await queue.resume();
    },
    async haltRecord() {
      const json = await redis.hget(keys.halts, account);
      return json ? (JSON.parse(json) as HaltRecord) : undefined;
    },
  };
}
