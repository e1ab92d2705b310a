/**
 * The dead-letter queue: jobs that will not succeed by themselves (permanent answers, attempts
 * used up, stalled too often), each with its full record, for a person to read and replay.
 * It is a BullMQ queue no worker consumes; an entry's job id is the original job id.
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import { type AttemptRecord, appendAttempt, lostAttempt } from './item-record.ts';
import type { QueueJobData } from './queue-job.ts';
import type { ResultStore } from './result-store.ts';

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
}

export interface DeadLetter {
  add(entry: DeadLetterEntry): Promise<void>;
  get(jobId: string): Promise<DeadLetterEntry | undefined>;
  list(options?: { account?: string; start?: number; end?: number }): Promise<DeadLetterEntry[]>;
  count(): Promise<number>;
  /** Re-enqueue with fresh attempts; an entry leaves only once its job is back in its queue. */
  replay(jobIds: readonly string[]): Promise<ReplayResult>;
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
  now?: () => number;
}

const LIST_STATES = ['wait', 'prioritized'] as const;

export function createDeadLetter(deps: DeadLetterDeps): DeadLetter {
  const now = deps.now ?? Date.now;
  const toEntry = (job: Job | undefined): DeadLetterEntry | undefined =>
    job?.data as DeadLetterEntry | undefined;

  const deadLetter: DeadLetter = {
    async add(entry) {
      // Same job id as the original: adding twice (a crash between steps) stays one entry.
      await deps.queue.add('dead-letter', entry, { jobId: entry.jobId, removeOnComplete: true });
    },
    async get(jobId) {
      return toEntry(await deps.queue.getJob(jobId));
    },
    async list(options = {}) {
      const jobs = await deps.queue.getJobs([...LIST_STATES], options.start ?? 0, options.end ?? -1, true);
      const entries = jobs.map(toEntry).filter((e): e is DeadLetterEntry => e !== undefined);
      return options.account ? entries.filter((e) => e.account === options.account) : entries;
    },
    async count() {
      const counts = await deps.queue.getJobCounts(...LIST_STATES);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async replay(jobIds) {
      const result: ReplayResult = { replayed: [], failed: [] };
      for (const jobId of jobIds) {
        const dlJob = await deps.queue.getJob(jobId);
        const entry = toEntry(dlJob);
        if (!dlJob || !entry) {
          result.failed.push({ jobId, reason: 'no such dead-letter entry' });
          continue;
        }
        const target = deps.accountQueue(entry.account);
        const old = await target.getJob(jobId);
        if (old) {
          const state = await old.getState();
          if (state === 'active') {
            result.failed.push({ jobId, reason: 'the job is active in its queue' });
            continue;
          }
          // The finished job still holds the id; it must go, or the add below would be a no-op.
          await old.remove();
        }
        // The attempts stay on record: one that may have taken effect still decides the
        // ambiguity rule on the replayed run. Only a dead-lettered (or absent) record reopens.
        const reopened = await reopen(jobId, entry);
        if (!reopened.ok) {
          // Done meanwhile (e.g. revoked by a later submit): nothing to replay, the entry goes.
          await dlJob.remove();
          result.failed.push({ jobId, reason: reopened.reason });
          continue;
        }
        const { followUp: _followUp, ...data } = entry.data;
        await target.add(entry.data.operation, { ...data, replayed: true }, { ...deps.jobOptions, jobId });
        await dlJob.remove();
        result.replayed.push(jobId);
      }
      return result;
    },
    async purge() {
      const n = await deadLetter.count();
      await deps.queue.obliterate({ force: true });
      return n;
    },
    async sweepFailed(queue, account) {
      let moved = 0;
      for (;;) {
        const failed = await queue.getFailed(0, 99);
        if (failed.length === 0) return moved;
        for (const job of failed) {
          const jobId = job.id ?? '';
          const previous = await deps.results.get(jobId);
          const intent = await deps.results.intentOf(jobId);
          let attempts = previous?.attempts ?? [];
          if (intent) attempts = appendAttempt(attempts, lostAttempt(intent));
          const data = job.data as QueueJobData;
          // A replacement whose call may have been in flight is never sent again by itself.
          const uncertain = intent?.step === 'call' && data.operation === 'sectigo.replaceSMIME';
          const reason = `failed in BullMQ: ${job.failedReason || 'no reason given'}${
            uncertain
              ? '; the replacement may have been ordered: check the order at the vendor before replaying'
              : ''
          }`;
          const written = await deps.results.write(jobId, {
            outcome: 'dead-lettered',
            code: uncertain ? 'REPLACE_UNCERTAIN' : 'BULLMQ_FAILED',
            message: reason,
            attempts,
            finishedAt: now(),
            ...(previous?.requestId ? { requestId: previous.requestId } : {}),
            ...(previous?.rehearsal || data.rehearsal ? { rehearsal: true } : {}),
          });
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
  /** Reopens a dead-lettered record for a replay; an absent one (legacy, purged) starts afresh. */
  async function reopen(
    jobId: string,
    entry: DeadLetterEntry,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const record = { outcome: 'in-progress' as const, attempts: entry.attempts };
    const reopened = await deps.results.write(jobId, record, { mode: 'reopen' });
    if (reopened.status === 'ok') return { ok: true };
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
