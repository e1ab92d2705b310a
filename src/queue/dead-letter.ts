/**
 * The dead-letter queue: jobs that will not succeed by themselves (permanent answers, attempts
 * used up, stalled too often), each with its full record, for a person to read and replay.
 * It is a BullMQ queue no worker consumes; an entry's job id is the original job id.
 */
import { randomUUID } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { ErrorCodes } from '../errors.ts';
import { parseJobId } from '../jobs/job-id.ts';
import { expandJobData, type ParamSetReader } from './compact-job-data.ts';
import {
  type AttemptRecord,
  appendAttempt,
  type CallIntent,
  type ItemRecord,
  lostAttempt,
} from './item-record.ts';
import type { QueueJobData } from './queue-job.ts';
import type { RedisClient } from './redis-connection.ts';
import type { ResultStore } from './result-store.ts';
import type { WorkerEvents } from './worker-events.ts';

export interface DeadLetterEntry {
  jobId: string;
  queue: string;
  account: string;
  data: QueueJobData;
  reason: string;
  attempts: AttemptRecord[];
  final?: { class: string; code: string; message: string; httpStatus?: number; rawExcerpt?: string };
  /** Epoch ms. */
  deadLetteredAt: number;
}

export interface ReplayResult {
  replayed: string[];
  failed: { jobId: string; reason: string }[];
  /** Entries another replay (running at the same moment) took: not counted twice. */
  skipped: string[];
}

export interface ReplayOptions {
  /**
   * The ids come from a listing (`--all`): an entry gone since was replayed or purged by someone
   * else, so it is skipped, not a failure. @defaultValue false
   */
  fromListing?: boolean;
}

export interface DeadLetter {
  add(entry: DeadLetterEntry): Promise<void>;
  get(jobId: string): Promise<DeadLetterEntry | undefined>;
  /** One page of entries, oldest first: `start`..`end` inclusive (-1: to the end). */
  list(options?: { account?: string; start?: number; end?: number }): Promise<DeadLetterEntry[]>;
  /** Every entry's job id, oldest first, read a page at a time (entries themselves are not loaded). */
  ids(options?: { account?: string }): AsyncIterable<string[]>;
  count(): Promise<number>;
  /**
   * Re-enqueue with fresh attempts; an entry leaves only once its job is back in its queue. Each
   * entry is claimed first, so two replays at once replay it once.
   */
  replay(jobIds: readonly string[], options?: ReplayOptions): Promise<ReplayResult>;
  /**
   * Runs a dead-lettered item again with new job data (submit --retry-dead-lettered: the row the
   * user fixed) and resolves its entry. False when the item is not dead-lettered any more.
   */
  retry(jobId: string, data: QueueJobData): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Deletes every entry and marks their records purged (a later submit runs them afresh). */
  purge(): Promise<number>;
  /** Moves jobs BullMQ failed on its own (stalled too often, a crash in our code) here. */
  sweepFailed(queue: Queue, account: string): Promise<number>;
}

export interface DeadLetterDeps {
  queue: Queue;
  results: ResultStore;
  /** The account queue a replayed job goes back to. */
  accountQueue(account: string): Queue;
  jobOptions: JobsOptions;
  /** The Redis connection and key of the per-entry replay claims. */
  claims: { redis: RedisClient; keyOf(jobId: string): string };
  /** Batches' parameter sets: a failed job in the compact form is entered with its full data. */
  paramSets: ParamSetReader;
  /**
   * Told of items a sweep dead-lettered (BullMQ failed their jobs): a final outcome like any
   * other, for webhooks and metrics. Must not throw (the worker pool passes one that logs).
   */
  events?: Pick<WorkerEvents, 'itemFinished'>;
  now?: () => number;
}

const LIST_STATES = ['wait', 'prioritized'] as const;
const PAGE = 500;
/** A replay claim outlives a replayer that died mid-entry by at most this long. */
const CLAIM_MS = 60_000;

/**
 * The record of a job BullMQ failed on its own (stalled too often, a crash in our code). Pure.
 * An unanswered call counts as one that may have reached the vendor; for a replacement that
 * means REPLACE_UNCERTAIN (never sent again by itself), else BULLMQ_FAILED.
 */
export function failedJobRecord(facts: {
  data: QueueJobData;
  failedReason: string | undefined;
  previous: ItemRecord | undefined;
  intent: CallIntent | undefined;
  at: number;
}): ItemRecord {
  const { data, previous, intent } = facts;
  let attempts = previous?.attempts ?? [];
  if (intent) attempts = appendAttempt(attempts, lostAttempt(intent));
  const uncertain = intent?.step === 'call' && data.operation === 'sectigo.replaceSMIME';
  const reason = `failed in BullMQ: ${facts.failedReason || 'no reason given'}${
    uncertain ? '; the replacement may have been ordered: check the order at the vendor before replaying' : ''
  }`;
  return {
    outcome: 'dead-lettered',
    code: uncertain ? ErrorCodes.REPLACE_UNCERTAIN : ErrorCodes.BULLMQ_FAILED,
    message: reason,
    attempts,
    finishedAt: facts.at,
    ...(previous?.requestId ? { requestId: previous.requestId } : {}),
    ...(previous?.rehearsal || data.rehearsal ? { rehearsal: true } : {}),
  };
}

export function createDeadLetter(deps: DeadLetterDeps): DeadLetter {
  const now = deps.now ?? Date.now;
  const toEntry = (job: Job | undefined): DeadLetterEntry | undefined =>
    job?.data as DeadLetterEntry | undefined;
  // Entry ids are item job ids, which start with the account: filter without loading entries.
  const ofAccount = (account: string | undefined) => (jobId: string) =>
    account === undefined || parseJobId(jobId)?.account === account;

  /** Puts a job back in its account queue under its own id, replacing a finished leftover. */
  async function requeue(
    jobId: string,
    data: QueueJobData,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const target = deps.accountQueue(data.account);
    const old = await target.getJob(jobId);
    if (old) {
      if ((await old.getState()) === 'active') return { ok: false, reason: 'the job is active in its queue' };
      // A leftover holds the id; it must go, or the add below would be a no-op.
      await old.remove();
    }
    const { followUp: _followUp, retries: _retries, retryReason: _retryReason, ...fresh } = data;
    await target.add(data.operation, fresh, { ...deps.jobOptions, jobId });
    return { ok: true };
  }

  /** Claims one entry for this replayer; false when another holds it. */
  async function claim(jobId: string, token: string): Promise<boolean> {
    return (await deps.claims.redis.set(deps.claims.keyOf(jobId), token, 'PX', CLAIM_MS, 'NX')) === 'OK';
  }

  const deadLetter: DeadLetter = {
    async add(entry) {
      // Same job id as the original: adding twice (a crash between steps) stays one entry.
      await deps.queue.add('dead-letter', entry, { jobId: entry.jobId, removeOnComplete: true });
    },
    async get(jobId) {
      return toEntry(await deps.queue.getJob(jobId));
    },
    async list(options = {}) {
      const start = options.start ?? 0;
      const end = options.end ?? -1;
      if (options.account === undefined) {
        const jobs = await deps.queue.getJobs([...LIST_STATES], start, end, true);
        return jobs.map(toEntry).filter((e): e is DeadLetterEntry => e !== undefined);
      }
      // start/end count the account's own entries.
      const wanted: DeadLetterEntry[] = [];
      let index = 0;
      for await (const page of deadLetter.ids({ account: options.account })) {
        for (const jobId of page) {
          if (index >= start && (end === -1 || index <= end)) {
            const entry = await deadLetter.get(jobId);
            if (entry) wanted.push(entry);
          }
          index++;
        }
        if (end !== -1 && index > end) break;
      }
      return wanted;
    },
    async *ids(options = {}) {
      const keep = ofAccount(options.account);
      const seen = new Set<string>();
      for (let start = 0; ; start += PAGE) {
        const page = await deps.queue.getRanges([...LIST_STATES], start, start + PAGE - 1, true);
        if (page.length === 0) return;
        // Pages may shift while entries leave (a replay elsewhere): never yield an id twice.
        const fresh = page.filter((id) => keep(id) && !seen.has(id));
        for (const id of fresh) seen.add(id);
        if (fresh.length > 0) yield fresh;
        if (page.length < PAGE) return;
      }
    },
    async count() {
      const counts = await deps.queue.getJobCounts(...LIST_STATES);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async replay(jobIds, options = {}) {
      const result: ReplayResult = { replayed: [], failed: [], skipped: [] };
      const token = randomUUID();
      for (const jobId of jobIds) {
        if (!(await claim(jobId, token))) {
          result.skipped.push(jobId);
          continue;
        }
        try {
          const dlJob = await deps.queue.getJob(jobId);
          const entry = toEntry(dlJob);
          if (!dlJob || !entry) {
            if (options.fromListing) result.skipped.push(jobId);
            else result.failed.push({ jobId, reason: 'no such dead-letter entry' });
            continue;
          }
          // The attempts stay on record: one that may have taken effect still decides the
          // ambiguity rule on the replayed run. Only a dead-lettered (or absent) record reopens.
          const reopened = await reopen(jobId, entry.attempts);
          if (!reopened.ok) {
            // Done meanwhile (e.g. revoked by a later submit): nothing to replay, the entry goes.
            await dlJob.remove();
            result.failed.push({ jobId, reason: reopened.reason });
            continue;
          }
          const queued = await requeue(jobId, { ...entry.data, replayed: true });
          if (!queued.ok) {
            result.failed.push({ jobId, reason: queued.reason });
            continue;
          }
          await dlJob.remove();
          result.replayed.push(jobId);
        } finally {
          await deps.claims.redis.del(deps.claims.keyOf(jobId));
        }
      }
      return result;
    },
    async retry(jobId, data) {
      const token = randomUUID();
      if (!(await claim(jobId, token))) return { ok: false, reason: 'a replay of it is running now' };
      try {
        const reopened = await reopen(jobId, (await deps.results.get(jobId))?.attempts ?? []);
        if (!reopened.ok) return reopened;
        const queued = await requeue(jobId, data);
        if (!queued.ok) return queued;
        await (await deps.queue.getJob(jobId))?.remove();
        return { ok: true };
      } finally {
        await deps.claims.redis.del(deps.claims.keyOf(jobId));
      }
    },
    async purge() {
      let purged = 0;
      // Entries leave as they are purged, so the first page is always the next one.
      for (;;) {
        const page = await deps.queue.getRanges([...LIST_STATES], 0, PAGE - 1, true);
        if (page.length === 0) break;
        const records = await deps.results.getMany(page);
        for (const [i, jobId] of page.entries()) {
          const record = records[i];
          if (record?.outcome === 'dead-lettered' && !record.purged) {
            await deps.results.write(jobId, { ...record, purged: true }, { mode: 'purge' });
          }
          await (await deps.queue.getJob(jobId))?.remove();
          purged++;
        }
      }
      return purged;
    },
    async sweepFailed(queue, account) {
      let moved = 0;
      for (;;) {
        const failed = await queue.getFailed(0, 99);
        if (failed.length === 0) return moved;
        for (const job of failed) {
          const jobId = job.id ?? '';
          const expanded = await expandJobData(jobId, job.name, job.data, deps.paramSets);
          // Unreadable data goes in as it is: the entry still names the job and why it failed.
          const data = (expanded.ok ? expanded.data : job.data) as QueueJobData;
          const record = failedJobRecord({
            data,
            failedReason: job.failedReason,
            previous: await deps.results.get(jobId),
            intent: await deps.results.intentOf(jobId),
            at: now(),
          });
          const { attempts } = record;
          const reason = record.message ?? '';
          const written = await deps.results.write(jobId, record);
          // Told once on record; a sweep that died before telling (the job is still in the failed
          // list) tells the record it finds, again: listeners key on the record, not on the telling.
          const told = written.status === 'ok' ? record : written.current;
          if (told?.outcome === 'dead-lettered') {
            await deps.events?.itemFinished?.({
              account,
              operation: data.operation,
              jobId,
              batchId: data.batchId ?? '',
              row: data.row ?? 0,
              record: told,
              ...(written.status === 'ok' ? {} : { again: true }),
            });
          }
          // A success on record stays: the failed job is only BullMQ's leftover.
          if (written.status === 'ok') {
            await deadLetter.add({
              jobId,
              queue: queue.name,
              account,
              data,
              reason,
              attempts,
              deadLetteredAt: now(),
            });
          }
          await job.remove();
          moved++;
        }
      }
    },
  };

  /**
   * Reopens a dead-lettered record for a run: one already in progress (a replay cut off after
   * this step) stays as it is, an absent one (purged before records were kept) starts afresh.
   */
  async function reopen(
    jobId: string,
    attempts: DeadLetterEntry['attempts'],
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const record = { outcome: 'in-progress' as const, attempts };
    const reopened = await deps.results.write(jobId, record, { mode: 'reopen' });
    if (reopened.status === 'ok' || reopened.current?.outcome === 'in-progress') return { ok: true };
    if (reopened.current === undefined) {
      const fresh = await deps.results.write(jobId, record);
      if (fresh.status === 'ok') return { ok: true };
    }
    return {
      ok: false,
      reason: `the item is ${reopened.current?.outcome ?? 'changed'} already: nothing to replay`,
    };
  }

  return deadLetter;
}
