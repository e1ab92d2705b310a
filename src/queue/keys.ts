/**
 * Names of every queue and key revoker keeps in Redis. All share one hash-tagged prefix
 * (`{revoker}` by default) so every key lands in one Redis Cluster slot.
 */

export interface KeySpace {
  /** BullMQ prefix, e.g. `{revoker}`. */
  prefix: string;
  accountQueue(account: string): string;
  deadLetterQueue: string;
  /** Hash: job id → final (or interim) item record. The durable result, across batches. */
  results: string;
  /** Hash: job id → the call intent of a run in flight (item-record.ts CallIntent). */
  intents: string;
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
  /** BullMQ queue of outcome-webhook deliveries (src/webhooks/). */
  webhooksQueue: string;
  /** BullMQ queue the schedules' job schedulers fill, one job per tick (src/schedules/). */
  schedulesQueue: string;
  /** Hash: schedule name → its last run (JSON, src/schedules/run-log.ts). */
  scheduleRuns: string;
  /** List: the latest runs of a schedule (JSON), newest first, capped. */
  scheduleLog(schedule: string): string;
  /** String with a TTL: the one run of a schedule in progress holds it. */
  scheduleLock(schedule: string): string;
  /** Hash: batch id → the schedule that made it and where its report goes (JSON). */
  scheduleBatches: string;
}

export function keySpace(prefix: string): KeySpace {
  const key = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    prefix,
    accountQueue: (account) => `account-${account}`,
    deadLetterQueue: 'dead-letter',
    results: key('results'),
    intents: key('intents'),
    halts: key('halts'),
    rateLimits: key('rate-limits'),
    rateWaits: key('rate-waits'),
    rateLimitedSince: key('rate-limited-since'),
    resumes: key('resumes'),
    lastSuccess: key('last-success'),
    batchMeta: (batchId) => key('batch', batchId),
    batchItems: (batchId) => key('batch', batchId, 'items'),
    batchInvalid: (batchId) => key('batch', batchId, 'invalid'),
    batchStaging: (batchId) => key('batch', batchId, 'staging'),
    batchLease: (batchId) => key('batch', batchId, 'lease'),
    replayClaim: (jobId) => key('replay', jobId),
    pruneLock: key('prune-lock'),
    idempotency: (keyHash) => key('idempotency', keyHash),
    batches: key('batches'),
    batchesOpen: key('batches-open'),
    batchWatchLock: key('batch-watch-lock'),
    webhooksQueue: 'webhooks',
    schedulesQueue: 'schedules',
    scheduleRuns: key('schedule-runs'),
    scheduleLog: (schedule) => key('schedule-log', schedule),
    scheduleLock: (schedule) => key('schedule-lock', schedule),
    scheduleBatches: key('schedule-batches'),
  };
}
