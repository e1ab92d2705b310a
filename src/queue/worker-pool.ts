/**
 * Runs the workers of a process: one BullMQ Worker per account, with the account's concurrency
 * and its rate limit as the queue's limiter (enforced in Redis, so it holds across every worker
 * process on every host). Closing is idempotent, stops fetching, waits for in-flight calls up to
 * a grace period, then cancels them.
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createAccountControl, type FleetRateLimit } from './account-control.ts';
import { fullJitterDelayMs } from './backoff.ts';
import { pruneBatches } from './batch-prune.ts';
import { createBatchStore } from './batch-store.ts';
import { createParamSetCache } from './compact-job-data.ts';
import { createDeadLetter, type DeadLetter } from './dead-letter.ts';
import {
  accountJobOptions,
  BACKOFF_TYPE,
  KEEP_COMPLETED,
  QUEUE_STREAMS,
  type RetrySettings,
} from './job-options.ts';
import type { KeySpace } from './keys.ts';
import { type AccountRuntime, createProcessor } from './processor.ts';
import { createRedis, type RedisClient } from './redis-connection.ts';
import type { RedisTarget } from './redis-target.ts';
import { createResultStore } from './result-store.ts';
import type { WorkerEvents } from './worker-events.ts';

const PRUNE_EVERY_MS = 3_600_000;

/** How long each close step may take once the grace period is over (or Redis is gone). */
const FORCED_CLOSE_MS = 1_000;

/** True when `promise` settles within `ms`; it keeps running either way. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  // Settled either way, so a rejection after the timeout is not an unhandled one.
  const outcome = promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  try {
    const first = await Promise.race([outcome, timeout]);
    if (first === false) return false;
    if (!first.ok) throw first.error;
    return true;
  } finally {
    clearTimeout(timer);
  }
}

export interface WorkerAccountSettings extends AccountRuntime {
  concurrency: number;
  rateLimit: FleetRateLimit;
}

export interface WorkerPoolOptions {
  /** Where Redis is (secrets resolved): every connection of the pool is made from it. */
  redis: RedisTarget;
  keys: KeySpace;
  accounts: ReadonlyMap<string, WorkerAccountSettings>;
  retry: RetrySettings;
  logger: Logger;
  /** How long close() waits for in-flight vendor calls before cancelling them. @defaultValue 30000 */
  shutdownGraceMs?: number;
  /** BullMQ lock duration: how long a crashed worker's job stays locked. @defaultValue 30000 */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. @defaultValue 15000 */
  stalledIntervalMs?: number;
  /** Stalls a job may have before BullMQ fails it (then it is dead-lettered). @defaultValue 2 */
  maxStalledCount?: number;
  /** Batches finished longer ago than this are pruned (hourly, by one worker of the fleet). */
  retentionMs?: number;
  /** How often failed jobs are swept into the dead-letter queue. @defaultValue 30000 */
  sweepIntervalMs?: number;
  /** Told of vendor calls, final outcomes, halts and rate-limit waits (metrics, webhooks). */
  events?: WorkerEvents;
}

export interface WorkerPool {
  readonly accounts: string[];
  close(): Promise<void>;
  /** Cancel in-flight calls now (second signal). */
  abort(): void;
}

export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const { keys, logger } = options;
  const store: RedisClient = createRedis(options.redis, 'worker');
  // The processors' record reads and writes: two per job from every concurrent job, batched.
  const records: RedisClient = createRedis(options.redis, 'worker', { coalesceWrites: true });
  const results = createResultStore(store, keys);
  const abort = new AbortController();
  const queues = new Map<string, Queue>();
  const queueFor = (account: string): Queue => {
    let queue = queues.get(account);
    if (!queue) {
      const address = keys.accountQueue(account);
      queue = new Queue(address.name, { connection: store, prefix: address.prefix, streams: QUEUE_STREAMS });
      // Without a listener BullMQ prints connection errors with console.error, outside the JSON log.
      queue.on('error', (err) => logger.warn({ account, err: err.message }, 'queue connection error'));
      queues.set(account, queue);
    }
    return queue;
  };
  const dlqQueue = new Queue(keys.deadLetterQueue.name, {
    connection: store,
    prefix: keys.deadLetterQueue.prefix,
    streams: QUEUE_STREAMS,
  });
  dlqQueue.on('error', (err) => logger.warn({ err: err.message }, 'dead-letter queue connection error'));
  // Shared by the accounts' processors: a batch's parameter sets are read once per worker.
  const paramSets = createParamSetCache((batchId, setId) => records.hget(keys.batchParams(batchId), setId));
  const deadLetter: DeadLetter = createDeadLetter({
    queue: dlqQueue,
    results,
    accountQueue: queueFor,
    jobOptions: accountJobOptions(),
    claims: { redis: store, keyOf: keys.replayClaim },
    paramSets,
    ...(options.events?.itemFinished
      ? {
          events: {
            itemFinished: async (event) => {
              try {
                await options.events?.itemFinished?.(event);
              } catch (error) {
                logger.warn({ account: event.account, err: String(error) }, 'worker event listener failed');
              }
            },
          },
        }
      : {}),
  });

  const workers: Worker[] = [];
  const workerConnections: RedisClient[] = [];
  for (const [account, settings] of options.accounts) {
    const queue = queueFor(account);
    const control = createAccountControl(account, queue, store, keys);
    // The fleet obeys one limit, kept in Redis: this worker's config may lower it, never raise it.
    const fleet = await control.agreeRateLimit(settings.rateLimit);
    if (fleet.higherIgnored) {
      logger.warn(
        { account, configured: settings.rateLimit, fleet: fleet.limit },
        `account ${account}: this worker's rateLimit (${settings.rateLimit.max}/${settings.rateLimit.durationMs} ms) is higher than the ` +
          `${fleet.limit.max}/${fleet.limit.durationMs} ms the fleet obeys; not raised. To raise it: revoker account set-rate-limit ${account} ` +
          `${settings.rateLimit.max}/${settings.rateLimit.durationMs}`,
      );
    }
    const processor = createProcessor({
      accountName: account,
      runtime: settings,
      maxAttempts: options.retry.attempts,
      retryDelayMs: (retry) => fullJitterDelayMs(retry, options.retry),
      paramSets,
      // Bound to the account: a job in its queue whose id names none still gets a record here.
      results: createResultStore(records, keys, { account }),
      deadLetter,
      control,
      logger,
      signal: abort.signal,
      ...(options.events ? { events: options.events } : {}),
    });
    // BullMQ's own writes are not held back (coalesceWrites): under a rate limit each fetch of the
    // next job waits on the limiter, and a later fetch is a lower rate (bench c).
    const connection = createRedis(options.redis, 'worker');
    workerConnections.push(connection);
    const address = keys.accountQueue(account);
    const worker = new Worker(address.name, processor, {
      connection,
      prefix: address.prefix,
      concurrency: settings.concurrency,
      // Jobs carry no removeOnComplete of their own (job-options.ts): the worker's applies.
      removeOnComplete: KEEP_COMPLETED,
      // No limiter of our own: BullMQ then takes both max and window from the queue's meta in
      // Redis (agreeRateLimit above), so a limit lowered anywhere binds every worker at once.
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      // Jobs enqueued with BullMQ attempts and our backoff type (before the processor retried by
      // itself) still retry through BullMQ when something unexpected throws.
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) =>
          type === BACKOFF_TYPE ? fullJitterDelayMs(attemptsMade, options.retry) : 0,
      },
    });
    worker.on('failed', (job, err) => {
      // Our processor never fails a job on purpose; BullMQ does (stalled too often). Sweep it now.
      logger.warn(
        { account, jobId: job?.id, err: err.message },
        'job failed in BullMQ; moving it to the dead-letter queue',
      );
      deadLetter
        .sweepFailed(queue, account)
        .catch((e: unknown) => logger.error({ account, err: String(e) }, 'sweep failed'));
    });
    worker.on('error', (err) => logger.error({ account, err: err.message }, 'worker error'));
    workers.push(worker);
    await deadLetter.sweepFailed(queue, account);
  }

  const sweeper = setInterval(() => {
    for (const [account, settings] of options.accounts) {
      deadLetter
        .sweepFailed(queueFor(account), account)
        .catch((e: unknown) => logger.error({ account, err: String(e) }, 'sweep failed'));
      // The limit lives in the queue's meta, and with no limiter of their own the workers would
      // run unlimited if that meta were lost (a Redis restored without it): apply it again.
      createAccountControl(account, queueFor(account), store, keys)
        .reapplyRateLimit(settings.rateLimit)
        .catch((e: unknown) => logger.warn({ account, err: String(e) }, 'rate limit refresh failed'));
    }
  }, options.sweepIntervalMs ?? 30_000);
  sweeper.unref();

  // Retention: one worker of the fleet an hour (a lock with that TTL) prunes finished batches.
  const retentionMs = options.retentionMs;
  const prune = async () => {
    if (retentionMs === undefined) return;
    const won = await store.set(keys.pruneLock, String(process.pid), 'PX', PRUNE_EVERY_MS, 'NX');
    if (won !== 'OK') return;
    const result = await pruneBatches(
      { redis: store, keys, batches: createBatchStore(store, keys), results },
      { cutoff: Date.now() - retentionMs },
    );
    if (result.batches.length > 0) {
      logger.info(
        { batches: result.batches.length, records: result.records },
        'pruned batches past their retention',
      );
    }
  };
  const pruner = setInterval(
    () => void prune().catch((e: unknown) => logger.warn({ err: String(e) }, 'prune failed')),
    PRUNE_EVERY_MS,
  );
  pruner.unref();
  void prune().catch((e: unknown) => logger.warn({ err: String(e) }, 'prune failed'));

  let closing: Promise<void> | undefined;
  return {
    accounts: [...options.accounts.keys()],
    abort: () => abort.abort(),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        clearInterval(pruner);
        const graceMs = options.shutdownGraceMs ?? 30_000;
        // Every account stops fetching at once; then calls in flight finish, up to the grace period.
        const drained = Promise.allSettled(workers.map((w) => w.close()));
        const inTime = await within(drained, graceMs);
        if (!inTime) {
          // Calls still in flight, or Redis unreachable (BullMQ cannot finish the jobs): cancel the
          // calls and force the workers closed. Jobs in hand return through the stalled check, and
          // their call intents tell the next run that a call may have reached the vendor.
          logger.warn({ graceMs }, 'grace period over: cancelling calls in flight and closing now');
          abort.abort();
          await within(Promise.allSettled(workers.map((w) => w.close(true))), FORCED_CLOSE_MS);
        }
        const failures: unknown[] = [];
        const settle = async (step: () => Promise<unknown>) => {
          try {
            if (!(await within(step(), FORCED_CLOSE_MS))) failures.push(new Error('a close step timed out'));
          } catch (e) {
            failures.push(e);
          }
        };
        await Promise.all([...queues.values(), dlqQueue].map((q) => settle(() => q.close())));
        await Promise.all(
          [...workerConnections, store, records].map((c) =>
            settle(async () => {
              // QUIT waits for Redis; a Redis that is gone gets a disconnect instead.
              if (!(await within(c.quit(), FORCED_CLOSE_MS))) c.disconnect();
            }),
          ),
        );
        await Promise.all(
          [...options.accounts.values()].map((a) => settle(() => a.account.transport.close())),
        );
        if (!inTime) for (const c of [...workerConnections, store, records]) c.disconnect();
        if (failures.length > 0) throw new AggregateError(failures, 'worker pool closed with errors');
      })();
      return closing;
    },
  };
}
