/**
 * The results hash: one compact JSON record per job id (item-record.ts). The durable answer to
 * "what happened to this certificate", across batches, after BullMQ has dropped finished jobs.
 *
 * Every change goes through a script of src/queue/commands/ that enforces the transition table
 * (record-transitions.ts) and, for a worker's writes, that the worker still holds the job's lock.
 * A refused write is an answer, not an exception: the caller logs it and keeps the record's word.
 */
import type { Redis } from 'ioredis';
import {
  type CallIntent,
  encodeItemRecord,
  FINAL_OUTCOMES,
  type ItemRecord,
  parseCallIntent,
  parseItemRecord,
} from './item-record.ts';
import type { KeySpace } from './keys.ts';
import { loadScript } from './lua-script.ts';
import { allowedSources, type TransitionMode } from './record-transitions.ts';

const beginAttemptScript = loadScript('beginAttempt-3.lua');
const writeRecordScript = loadScript('writeRecord-3.lua');

/** The job's lock, as BullMQ keeps it: writes under it come from the worker that holds the job. */
export interface LockProof {
  lockKey: string;
  token: string;
}

export type BeginResult =
  | { status: 'lock-lost' }
  /** The record already ends the job (a final outcome): complete it with no call. */
  | { status: 'final'; record: ItemRecord; earlierIntent: CallIntent | undefined }
  /** The intent is written; `earlierIntent` is an unanswered call of an earlier run. */
  | { status: 'started'; record: ItemRecord | undefined; earlierIntent: CallIntent | undefined };

export type WriteResult =
  | { status: 'ok' }
  | { status: 'refused' | 'lock-lost'; current: ItemRecord | undefined };

export interface WriteOptions {
  lock?: LockProof;
  /** @defaultValue 'normal' */
  mode?: TransitionMode;
  /** The call's answer is on record: clear its intent in the same step. @defaultValue true */
  clearIntent?: boolean;
}

export interface ResultStore {
  get(jobId: string): Promise<ItemRecord | undefined>;
  getMany(jobIds: readonly string[]): Promise<(ItemRecord | undefined)[]>;
  /** The unanswered call of a job, if one is on record. */
  intentOf(jobId: string): Promise<CallIntent | undefined>;
  /** Reads the record and, unless it ends the job, writes the intent of the call about to be sent. */
  begin(jobId: string, intent: CallIntent, lock?: LockProof): Promise<BeginResult>;
  /** Writes a record if the transition table and the lock allow it. */
  write(jobId: string, record: ItemRecord, options?: WriteOptions): Promise<WriteResult>;
  /** Forget an item's record and intent (dlq purge: a later submit starts the item afresh). */
  remove(jobIds: readonly string[]): Promise<void>;
}

const FINALS = [...FINAL_OUTCOMES].join(',');

export function createResultStore(redis: Redis, keys: KeySpace): ResultStore {
  const scriptKeys = (lock: LockProof | undefined) => [
    keys.results,
    keys.intents,
    lock?.lockKey ?? keys.results,
  ];
  return {
    async get(jobId) {
      return parseItemRecord(await redis.hget(keys.results, jobId), jobId);
    },
    async getMany(jobIds) {
      if (jobIds.length === 0) return [];
      const values = await redis.hmget(keys.results, ...jobIds);
      return values.map((value, i) => parseItemRecord(value, jobIds[i]));
    },
    async intentOf(jobId) {
      return parseCallIntent(await redis.hget(keys.intents, jobId), jobId);
    },
    async begin(jobId, intent, lock) {
      const [status, recordJson, intentJson] = (await beginAttemptScript.run(redis, scriptKeys(lock), [
        jobId,
        lock?.token ?? '',
        JSON.stringify(intent),
        FINALS,
      ])) as [string, string | null, string | null];
      if (status === 'lock-lost') return { status };
      // A corrupt record throws here, naming the job.
      const record = parseItemRecord(recordJson, jobId);
      const earlierIntent = parseCallIntent(intentJson, jobId);
      if (status === 'final' && record) return { status, record, earlierIntent };
      return { status: 'started', record, earlierIntent };
    },
    async write(jobId, record, options = {}) {
      const mode = options.mode ?? 'normal';
      const [status, currentJson] = (await writeRecordScript.run(redis, scriptKeys(options.lock), [
        jobId,
        options.lock?.token ?? '',
        encodeItemRecord(record),
        allowedSources(record.outcome, mode).join(','),
        mode === 'normal' ? '1' : '0',
        options.clearIntent === false ? '0' : '1',
      ])) as [string, string | null];
      if (status === 'ok') return { status };
      const current = parseItemRecord(currentJson, jobId);
      if (status === 'corrupt')
        throw new Error(`unreachable: ${jobId} parsed after the script found it corrupt`);
      return { status: status === 'lock-lost' ? 'lock-lost' : 'refused', current };
    },
    async remove(jobIds) {
      if (jobIds.length === 0) return;
      await redis
        .multi()
        .hdel(keys.results, ...jobIds)
        .hdel(keys.intents, ...jobIds)
        .exec();
    },
  };
}
