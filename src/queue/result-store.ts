/**
 * The results hashes: one compact JSON record per job id (item-record.ts). The durable answer to
 * "what happened to this certificate", across batches, after BullMQ has dropped finished jobs.
 * Each account has its own hash (and intents hash) in its queue's cluster slot (keys.ts): a job
 * id names its account, and the scripts check the job's lock in the same step.
 *
 * Every change goes through a script of src/queue/commands/ that enforces the transition table
 * (record-transitions.ts) and, for a worker's writes, that the worker still holds the job's lock.
 * A refused write is an answer, not an exception: the caller logs it and keeps the record's word.
 */

import { RevokerError } from '../errors.ts';
import { accountOfJobId } from '../jobs/job-id.ts';
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
import type { RedisClient } from './redis-connection.ts';

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

/** The writeRecord script's list of allowed sources for a write, made once per outcome and mode. */
const sourcesArgs = new Map<string, string>();
function sourcesArg(to: ItemRecord['outcome'], mode: TransitionMode): string {
  const key = `${mode}:${to}`;
  let arg = sourcesArgs.get(key);
  if (arg === undefined) {
    arg = allowedSources(to, mode).join(',');
    sourcesArgs.set(key, arg);
  }
  return arg;
}

export interface ResultStoreOptions {
  /**
   * The account of job ids that name none (ids revoker did not make, in this account's queue):
   * a worker's store, so every job it runs has a record. @defaultValue none: such ids are refused
   */
  account?: string;
}

export function createResultStore(
  redis: RedisClient,
  keys: KeySpace,
  options: ResultStoreOptions = {},
): ResultStore {
  const accountOf = (jobId: string): string => {
    const account = accountOfJobId(jobId) ?? options.account;
    if (account === undefined) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `job id "${jobId}" names no account: no record can be kept for it`,
      );
    }
    return account;
  };
  // An account's two hash names, built once (every job's two writes name them).
  const hashesOf = new Map<string, { results: string; intents: string }>();
  const scriptKeys = (jobId: string, lock: LockProof | undefined) => {
    const account = accountOf(jobId);
    let hashes = hashesOf.get(account);
    if (hashes === undefined) {
      hashes = { results: keys.results(account), intents: keys.intents(account) };
      hashesOf.set(account, hashes);
    }
    // The lock key is the job's in its account queue: the same slot as the account's hashes.
    return [hashes.results, hashes.intents, lock?.lockKey ?? hashes.results];
  };
  /** Job ids by account, with each id's place in the input: one HMGET or HDEL per account. */
  const byAccount = (jobIds: readonly string[]) => {
    const groups = new Map<string, { ids: string[]; at: number[] }>();
    jobIds.forEach((jobId, i) => {
      const account = accountOf(jobId);
      const group = groups.get(account) ?? { ids: [], at: [] };
      group.ids.push(jobId);
      group.at.push(i);
      groups.set(account, group);
    });
    return groups;
  };
  return {
    async get(jobId) {
      return parseItemRecord(await redis.hget(keys.results(accountOf(jobId)), jobId), jobId);
    },
    async getMany(jobIds) {
      if (jobIds.length === 0) return [];
      const records: (ItemRecord | undefined)[] = new Array(jobIds.length);
      // Accounts are read at once: on a cluster their hashes may be on different nodes.
      await Promise.all(
        [...byAccount(jobIds)].map(async ([account, group]) => {
          const values = await redis.hmget(keys.results(account), ...group.ids);
          values.forEach((value, i) => {
            records[group.at[i]!] = parseItemRecord(value, group.ids[i]!);
          });
        }),
      );
      return records;
    },
    async intentOf(jobId) {
      return parseCallIntent(await redis.hget(keys.intents(accountOf(jobId)), jobId), jobId);
    },
    async begin(jobId, intent, lock) {
      const [status, recordJson, intentJson] = (await beginAttemptScript.run(redis, scriptKeys(jobId, lock), [
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
      const [status, currentJson] = (await writeRecordScript.run(redis, scriptKeys(jobId, options.lock), [
        jobId,
        options.lock?.token ?? '',
        encodeItemRecord(record),
        sourcesArg(record.outcome, mode),
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
      for (const [account, group] of byAccount(jobIds)) {
        // One account's two hashes share a slot: one transaction.
        await redis
          .multi()
          .hdel(keys.results(account), ...group.ids)
          .hdel(keys.intents(account), ...group.ids)
          .exec();
      }
    },
  };
}
