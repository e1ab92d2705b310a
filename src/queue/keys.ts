/**
 * Names of every queue and key revoker keeps in Redis, and which Redis Cluster slot each lands
 * in. Every key starts with the configured namespace (`redis.prefix`, default `revoker`); the
 * hash tags that follow it are revoker's own, chosen so that a cluster spreads the work:
 *
 *   `NS:{a:ACCOUNT}:…`  one account's BullMQ queue (its jobs, locks, limiter, meta) and the item
 *                       records and call intents of its jobs: everything a job's run touches in
 *                       one script (beginAttempt, writeRecord check the job's lock key) is here
 *   `NS:{b:BATCH}:…`    one batch: meta, item list, skipped rows, staging list, lease
 *   `NS:{fleet}:…`      what is read across accounts or batches at once: halts, rate limits and
 *                       waits, resumes, last successes, the batch indexes, fleet-wide claims
 *   `NS:{dead-letter}:…`, `NS:{webhooks}:…`  those BullMQ queues
 *   `NS:{schedules}:…`  the schedules queue and the run logs read with it
 *   `NS:idempotency:…`, `NS:replay:…`  single keys that no script or transaction shares with
 *                       another: no tag, so Redis hashes the whole name and they spread
 *
 * A script or a MULTI may only name keys of one of these groups (test/integration/slot-audit
 * and test/unit/queue/keys.test.ts check it); a job id always starts with its account
 * (job-id.ts), which is how a record is found from a job id alone.
 */

/** Where a BullMQ queue lives: `new Queue(name, { prefix })`. Its keys are `prefix:name:…`. */
export interface QueueAddress {
  readonly name: string;
  readonly prefix: string;
}

export interface KeySpace {
  /** The namespace every key starts with (`redis.prefix`), without a hash tag. */
  namespace: string;
  accountQueue(account: string): QueueAddress;
  deadLetterQueue: QueueAddress;
  /** BullMQ queue of outcome-webhook deliveries (src/webhooks/). */
  webhooksQueue: QueueAddress;
  /** BullMQ queue the schedules' job schedulers fill, one job per tick (src/schedules/). */
  schedulesQueue: QueueAddress;
  /** Hash: job id → final (or interim) item record, for the jobs of one account. */
  results(account: string): string;
  /** Hash: job id → the call intent of a run in flight (item-record.ts CallIntent), per account. */
  intents(account: string): string;
  /** Hash: account → halt record (JSON) while an account is halted. */
  halts: string;
  /** Hash: account → the rate limit the whole fleet obeys (JSON `{ max, durationMs, marginMs }`). */
  rateLimits: string;
  /** Hash: account → epoch ms until which the vendor's rate limit makes the account wait. */
  rateWaits: string;
  /** Hash: account → epoch ms of the first rate-limited answer since the vendor last served a call. */
  rateLimitedSince: string;
  /** Hash: account → the last resume (JSON `{ at, suspectJobId }`: the job whose answer halted it). */
  resumes: string;
  /** Hash: account → epoch ms of a recent successful vendor call (written at most once a second per worker). */
  lastSuccess: string;
  batchMeta(batchId: string): string;
  /** List of `row<TAB>jobId` for every valid item of a batch, in input order. */
  batchItems(batchId: string): string;
  /** List of JSON `{ row, errors }` for rows skipped with --skip-invalid. */
  batchInvalid(batchId: string): string;
  /** List of validated items (JSON) a submission holds until every row has been checked. */
  batchStaging(batchId: string): string;
  /** String with a TTL: the one submission (or resume) running for a batch holds it. */
  batchLease(batchId: string): string;
  /** Hash: parameter set id → JSON, the parameters a batch's compact jobs share (compact-job-data.ts). */
  batchParams(batchId: string): string;
  /** String with a TTL: a `dlq replay` working on this entry holds it (two replays never both run it). */
  replayClaim(jobId: string): string;
  /** String with a TTL: the worker pruning finished batches this hour holds it. */
  pruneLock: string;
  /**
   * String with a TTL: what an HTTP `Idempotency-Key` was first used for. `keyHash` is the key's
   * SHA-256 (a caller's key may be long or odd; the hash is neither).
   */
  idempotency(keyHash: string): string;
  /** Sorted set of batch ids by creation time. */
  batches: string;
  /**
   * Sorted set (by creation time) of submitted batches not yet announced finished: what the
   * batch watch (batch-watch.ts) looks at, so it never walks every batch kept for retention.
   */
  batchesOpen: string;
  /** String with a TTL: the worker sweeping open batches for finished ones holds it. */
  batchWatchLock: string;
  /** Hash: schedule name → its last run (JSON, src/schedules/run-log.ts). */
  scheduleRuns: string;
  /** List: the latest runs of a schedule (JSON), newest first, capped. */
  scheduleLog(schedule: string): string;
  /** String with a TTL: the one run of a schedule in progress holds it. */
  scheduleLock(schedule: string): string;
  /** Hash: batch id → the schedule that made it and where its report goes (JSON). */
  scheduleBatches: string;
}

/** The hash tag of one account's keys: its queue and its jobs' records share a slot. */
export const accountTag = (account: string) => `{a:${account}}`;
/** The hash tag of one batch's keys. */
export const batchTag = (batchId: string) => `{b:${batchId}}`;
/** The hash tag of what is read across accounts or batches at once. */
export const FLEET_TAG = '{fleet}';

export function keySpace(namespace: string): KeySpace {
  const key = (...parts: string[]) => [namespace, ...parts].join(':');
  const fleet = (...parts: string[]) => key(FLEET_TAG, ...parts);
  const batch = (batchId: string, part: string) => key(batchTag(batchId), part);
  const schedules = `${namespace}:{schedules}`;
  return {
    namespace,
    accountQueue: (account) => ({ name: `account-${account}`, prefix: key(accountTag(account)) }),
    deadLetterQueue: { name: 'dead-letter', prefix: key('{dead-letter}') },
    webhooksQueue: { name: 'webhooks', prefix: key('{webhooks}') },
    schedulesQueue: { name: 'schedules', prefix: schedules },
    results: (account) => key(accountTag(account), 'results'),
    intents: (account) => key(accountTag(account), 'intents'),
    halts: fleet('halts'),
    rateLimits: fleet('rate-limits'),
    rateWaits: fleet('rate-waits'),
    rateLimitedSince: fleet('rate-limited-since'),
    resumes: fleet('resumes'),
    lastSuccess: fleet('last-success'),
    batchMeta: (batchId) => batch(batchId, 'meta'),
    batchItems: (batchId) => batch(batchId, 'items'),
    batchInvalid: (batchId) => batch(batchId, 'invalid'),
    batchStaging: (batchId) => batch(batchId, 'staging'),
    batchLease: (batchId) => batch(batchId, 'lease'),
    batchParams: (batchId) => batch(batchId, 'params'),
    replayClaim: (jobId) => key('replay', jobId),
    pruneLock: fleet('prune-lock'),
    idempotency: (keyHash) => key('idempotency', keyHash),
    batches: fleet('batches'),
    batchesOpen: fleet('batches-open'),
    batchWatchLock: fleet('batch-watch-lock'),
    scheduleRuns: `${schedules}:schedule-runs`,
    scheduleLog: (schedule) => `${schedules}:schedule-log:${schedule}`,
    scheduleLock: (schedule) => `${schedules}:schedule-lock:${schedule}`,
    scheduleBatches: `${schedules}:schedule-batches`,
  };
}
