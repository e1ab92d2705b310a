/**
 * The results hash: one compact JSON record per job id (item-record.ts). The durable answer to
 * "what happened to this certificate", across batches, after BullMQ has dropped finished jobs.
 */
import type { Redis } from 'ioredis';
import { type ItemRecord, parseItemRecord } from './item-record.ts';
import type { KeySpace } from './keys.ts';

export interface ResultStore {
  get(jobId: string): Promise<ItemRecord | undefined>;
  getMany(jobIds: readonly string[]): Promise<(ItemRecord | undefined)[]>;
  put(jobId: string, record: ItemRecord): Promise<void>;
  /** Forget an item's record (dead-letter replay starts it afresh). */
  remove(jobId: string): Promise<void>;
}

export function createResultStore(redis: Redis, keys: KeySpace): ResultStore {
  return {
    async get(jobId) {
      return parseItemRecord(await redis.hget(keys.results, jobId));
    },
    async getMany(jobIds) {
      if (jobIds.length === 0) return [];
      const values = await redis.hmget(keys.results, ...jobIds);
      return values.map((value) => parseItemRecord(value));
    },
    async put(jobId, record) {
      await redis.hset(keys.results, jobId, JSON.stringify(record));
    },
    async remove(jobId) {
      await redis.hdel(keys.results, jobId);
    },
  };
}
