/**
 * Moves what the single-slot layout (revoker 0.1, every key under `{NAMESPACE}:`) keeps for the
 * long run into this version's layout (keys.ts): item records (into each account's hash),
 * batches with their item lists, skipped rows and indexes, the fleet's halts, rate limits and
 * resumes, dead-letter entries, and schedule run logs. `revoker migrate-layout`.
 *
 * Queued work is not moved: BullMQ's jobs, locks and limiter live in keys named after the old
 * prefix, and moving a queue under running workers would lose or double jobs. So the migration
 * refuses while an old account (or webhook) queue holds jobs: drain it with the old version first.
 * Transient keys (call intents of finished runs, staging lists, leases, claims, idempotency keys)
 * are not moved.
 *
 * Safe to run again: nothing already in the new layout is overwritten (records and fleet fields
 * with HSETNX; a batch that exists there is reported, not copied), and a batch is copied with its
 * meta last, so a run cut off mid-batch copies that batch whole the next time.
 */
import { Queue } from 'bullmq';
import { accountOfJobId } from '../jobs/job-id.ts';
import type { DeadLetter, DeadLetterEntry } from './dead-letter.ts';
import type { KeySpace } from './keys.ts';
import { legacyPrefix } from './legacy-layout.ts';
import { globEscape, scanKeys, unlinkKeys } from './prefix-keys.ts';
import type { RedisClient } from './redis-connection.ts';

export interface MigrationOptions {
  /** Count what would move; write nothing. @defaultValue false */
  dryRun?: boolean;
  /** Delete every key of the old layout once everything is copied. @defaultValue false */
  deleteOld?: boolean;
}

export interface MigrationReport {
  /** The old layout's prefix, e.g. `{revoker}`. */
  from: string;
  /** Old queues that still hold jobs: nothing was moved (drain them with the old version first). */
  blocked: { queue: string; jobs: number }[];
  records: number;
  /** Record ids that name no account (revoker did not make them): not moved. */
  recordsWithoutAccount: number;
  batches: number;
  /** Batch ids the new layout has already: not copied. */
  batchConflicts: string[];
  /** Fields of the fleet's hashes (halts, rate limits, waits, resumes, last successes). */
  fleetFields: number;
  deadLetters: number;
  scheduleEntries: number;
  /** Failed webhook deliveries in the old queue: not moved (retry them with the old version). */
  failedDeliveriesLeft: number;
  /** Keys of the old layout deleted (`deleteOld`). */
  deleted: number;
}

export interface MigrationDeps {
  redis: RedisClient;
  keys: KeySpace;
  /** The new layout's dead-letter queue. */
  deadLetter: Pick<DeadLetter, 'add'>;
}

const CHUNK = 1000;
/** Old name → new key of the fleet's hashes (same fields: account → value). */
const FLEET_HASHES = [
  ['halts', 'halts'],
  ['rate-limits', 'rateLimits'],
  ['rate-waits', 'rateWaits'],
  ['rate-limited-since', 'rateLimitedSince'],
  ['resumes', 'resumes'],
  ['last-success', 'lastSuccess'],
] as const;

export async function migrateLegacyLayout(
  deps: MigrationDeps,
  options: MigrationOptions = {},
): Promise<MigrationReport> {
  const { redis, keys } = deps;
  const write = options.dryRun !== true;
  const from = legacyPrefix(keys.namespace);
  const old = (...parts: string[]) => [from, ...parts].join(':');
  const report: MigrationReport = {
    from,
    blocked: [],
    records: 0,
    recordsWithoutAccount: 0,
    batches: 0,
    batchConflicts: [],
    fleetFields: 0,
    deadLetters: 0,
    scheduleEntries: 0,
    failedDeliveriesLeft: 0,
    deleted: 0,
  };
  const oldQueue = (name: string) => {
    const queue = new Queue(name, { connection: redis, prefix: from });
    queue.on('error', () => {});
    return queue;
  };

  // 1. Nothing moves while the old layout still has work queued.
  for (const metaKey of await scanKeys(redis, `${globEscape(from)}:*:meta`, 1000)) {
    const name = metaKey.slice(from.length + 1, -':meta'.length);
    if (!name.startsWith('account-') && name !== 'webhooks') continue;
    const queue = oldQueue(name);
    try {
      const jobs = await queue.getJobCountByTypes('wait', 'prioritized', 'delayed', 'active');
      if (jobs > 0) report.blocked.push({ queue: name, jobs });
      if (name === 'webhooks') report.failedDeliveriesLeft = await queue.getFailedCount();
    } finally {
      await queue.close();
    }
  }
  if (report.blocked.length > 0) return report;

  // 2. Item records, into the hash of the account each job id names.
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(old('results'), cursor, 'COUNT', CHUNK);
    cursor = next;
    const byAccount = new Map<string, string[]>();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const account = accountOfJobId(flat[i]!);
      if (account === undefined) {
        report.recordsWithoutAccount++;
        continue;
      }
      const pairs = byAccount.get(account) ?? [];
      pairs.push(flat[i]!, flat[i + 1]!);
      byAccount.set(account, pairs);
      report.records++;
    }
    if (write) {
      for (const [account, pairs] of byAccount) {
        // HSETNX: a record the new layout has already (the item ran again since) is newer.
        const multi = redis.multi();
        for (let i = 0; i < pairs.length; i += 2)
          multi.hsetnx(keys.results(account), pairs[i]!, pairs[i + 1]!);
        await multi.exec();
      }
    }
  } while (cursor !== '0');

  // 3. Batches: lists first, the index, the meta last (see the module header).
  const ids = await redis.zrange(old('batches'), 0, -1, 'WITHSCORES');
  for (let i = 0; i + 1 < ids.length; i += 2) {
    const batchId = ids[i]!;
    const createdAt = Number(ids[i + 1]);
    if ((await redis.hexists(keys.batchMeta(batchId), 'id')) === 1) {
      report.batchConflicts.push(batchId);
      continue;
    }
    report.batches++;
    if (!write) continue;
    for (const [part, target] of [
      ['items', keys.batchItems(batchId)],
      ['invalid', keys.batchInvalid(batchId)],
    ] as const) {
      await redis.del(target);
      const length = await redis.llen(old('batch', batchId, part));
      for (let start = 0; start < length; start += CHUNK * 10) {
        const entries = await redis.lrange(old('batch', batchId, part), start, start + CHUNK * 10 - 1);
        if (entries.length > 0) await redis.rpush(target, ...entries);
      }
    }
    await redis.zadd(keys.batches, 'NX', createdAt, batchId);
    const meta = await redis.hgetall(old('batch', batchId));
    if (Object.keys(meta).length > 0) await redis.hset(keys.batchMeta(batchId), meta);
  }
  const open = await redis.zrange(old('batches-open'), 0, -1, 'WITHSCORES');
  if (write && open.length > 0) {
    const args: (string | number)[] = [];
    for (let i = 0; i + 1 < open.length; i += 2) args.push(Number(open[i + 1]), open[i]!);
    await redis.zadd(keys.batchesOpen, 'NX', ...args);
  }

  // 4. The fleet's hashes, field by field (a field set since the upgrade stays).
  for (const [oldName, newKey] of FLEET_HASHES) {
    const fields = await redis.hgetall(old(oldName));
    report.fleetFields += Object.keys(fields).length;
    if (write)
      for (const [field, value] of Object.entries(fields)) await redis.hsetnx(keys[newKey], field, value);
  }

  // 5. Schedules: the last run of each, its run log, and where scheduled batches' reports go.
  for (const [oldName, newKey] of [
    ['schedule-runs', keys.scheduleRuns],
    ['schedule-batches', keys.scheduleBatches],
  ] as const) {
    const fields = await redis.hgetall(old(oldName));
    report.scheduleEntries += Object.keys(fields).length;
    if (write) for (const [field, value] of Object.entries(fields)) await redis.hsetnx(newKey, field, value);
  }
  for (const logKey of await scanKeys(redis, `${globEscape(old('schedule-log'))}:*`, 1000)) {
    const lines = await redis.lrange(logKey, 0, -1);
    report.scheduleEntries += lines.length;
    const target = keys.scheduleLog(logKey.slice(old('schedule-log').length + 1));
    if (write && lines.length > 0 && (await redis.llen(target)) === 0) await redis.rpush(target, ...lines);
  }

  // 6. Dead-letter entries: added to the new queue under their job ids (adding twice is one entry).
  const dlq = oldQueue('dead-letter');
  try {
    for (let start = 0; ; start += CHUNK) {
      const jobs = await dlq.getJobs(['wait', 'prioritized'], start, start + CHUNK - 1, true);
      for (const job of jobs) {
        const entry = job.data as DeadLetterEntry | undefined;
        if (!entry?.jobId) continue;
        report.deadLetters++;
        if (write) await deps.deadLetter.add(entry);
      }
      if (jobs.length < CHUNK) break;
    }
  } finally {
    await dlq.close();
  }

  // 7. The old keys, all at once, when asked.
  if (write && options.deleteOld) {
    const oldKeys = await scanKeys(redis, `${globEscape(from)}:*`);
    await unlinkKeys(redis, oldKeys);
    report.deleted = oldKeys.length;
  }
  return report;
}
