/**
 * The handle every command and the HTTP API use to reach a revoker deployment: one fail-fast
 * Redis connection, the producer, batch reports, the dead-letter queue and account control.
 * Opening it resolves no vendor secret: producing and reporting never need credentials (only a
 * Redis password the `redis` section references).
 */
import { Queue } from 'bullmq';
import type { Env, RevokerConfig } from './config.ts';
import { type AccountControl, createAccountControl, type HaltRecord } from './queue/account-control.ts';
import { accountsWithQueues } from './queue/account-queues.ts';
import { type PruneOptions, type PruneResult, pruneBatches } from './queue/batch-prune.ts';
import { type BatchReader, createBatchReader } from './queue/batch-report.ts';
import { createBatchStore } from './queue/batch-store.ts';
import { createParamSetCache } from './queue/compact-job-data.ts';
import { createDeadLetter, type DeadLetter } from './queue/dead-letter.ts';
import { type FleetSnapshot, readFleetSnapshot } from './queue/fleet-snapshot.ts';
import { createIdempotencyStore, type IdempotencyStore } from './queue/idempotency-store.ts';
import { type ItemStatus, readItemStatus } from './queue/item-status.ts';
import { accountJobOptions, QUEUE_STREAMS } from './queue/job-options.ts';
import { type KeySpace, keySpace } from './queue/keys.ts';
import { legacyLayoutWarning } from './queue/legacy-layout.ts';
import { createProducer, type Producer } from './queue/producer.ts';
import { checkRedis, createRedis, type RedisClient } from './queue/redis-connection.ts';
import { type RedisTarget, resolveRedisTarget } from './queue/redis-target.ts';
import { createResultStore } from './queue/result-store.ts';
import { operations } from './vendors/registry.ts';
import { announcingResume } from './webhooks/account-resumed.ts';
import { createWebhookOutbox, type WebhookOutbox } from './webhooks/outbox.ts';

export interface AccountStatus {
  account: string;
  /** `(not configured)` for a queue in Redis whose account is not in this config. */
  vendor: string;
  /** False: jobs wait in Redis for an account this config does not have (no worker will run them). */
  configured: boolean;
  state: 'running' | 'paused' | 'halted';
  halt?: HaltRecord;
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number };
  /** The limit the fleet obeys (kept in Redis; this config's own until a worker has started). */
  rateLimit: { max: number; durationMs: number };
  /** Epoch ms: the vendor's rate limit makes the account wait until then. */
  rateLimitWaitUntil?: number;
  /** Worker processes connected to the account's queue now. */
  workers: number;
}

export interface Revoker {
  readonly config: RevokerConfig;
  readonly keys: KeySpace;
  readonly redis: RedisClient;
  readonly producer: Producer;
  readonly batches: BatchReader;
  readonly deadLetter: DeadLetter;
  /** Enqueues outcome webhooks (config `webhooks`); undefined when none are configured. */
  readonly webhooks: WebhookOutbox | undefined;
  /** A warning about Redis, if any (eviction policy; data of the old single-slot layout). */
  readonly redisWarning: string | undefined;
  accountStatus(): Promise<AccountStatus[]>;
  /** Every account: the configured ones, then any other with a queue in Redis (SCAN: not for hot paths). */
  accountNames(): Promise<string[]>;
  /** One item by job id (its record, or its job still waiting); undefined when neither exists. */
  item(jobId: string): Promise<ItemStatus | undefined>;
  /** The BullMQ queue of an account (for dashboards: the queue layer's own calls go through the handle). */
  accountQueue(account: string): Queue;
  /** The dead-letter queue itself (for dashboards). */
  readonly deadLetterQueue: Queue;
  /** The whole fleet's jobs, halts, limits and dead-letter size (metrics gauges), for these accounts. */
  fleetSnapshot(accounts: readonly string[]): Promise<FleetSnapshot>;
  /** Idempotency keys of single items sent over HTTP, remembered for `ttlSeconds`. */
  idempotency(ttlSeconds: number): IdempotencyStore;
  /** Worker processes connected to an account's queue now. */
  workerCount(account: string): Promise<number>;
  /** Removes batches (and their records) whose last item finished before `cutoff` (retention). */
  prune(options: PruneOptions): Promise<PruneResult>;
  /** An account's control; its resume() also announces `account.resumed` to webhooks. */
  account(name: string): AccountControl;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Names the daily batch that single items (`revoke()`, `replace()`) join. @defaultValue 'library' */
  producerName?: string;
  /**
   * Resolves the `redis` section's secret references (a cluster's or Sentinel's password).
   * @defaultValue `{}`: only `{ "file" }` references resolve
   */
  env?: Env;
  /** Where Redis is, already resolved (a worker process resolves it once for all its parts). */
  redis?: RedisTarget;
  /**
   * The connection's writes of one event-loop turn leave together (redis-connection.ts
   * `coalesceWrites`): for a server answering many requests at once. @defaultValue false
   */
  coalesceWrites?: boolean;
}

export async function openRevoker(config: RevokerConfig, open: OpenOptions = {}): Promise<Revoker> {
  const keys = keySpace(config.redis.prefix);
  const target = open.redis ?? (await resolveRedisTarget(config.redis, { env: open.env ?? {} }));
  const redis = createRedis(target, 'producer', { coalesceWrites: open.coalesceWrites === true });
  let redisWarning: string | undefined;
  try {
    const warnings = [await checkRedis(redis, target), await legacyLayoutWarning(redis, keys.namespace)];
    redisWarning = warnings.filter((w) => w !== undefined).join('; ') || undefined;
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const queues = new Map<string, Queue>();
  const queueFor = (account: string): Queue => {
    let queue = queues.get(account);
    if (!queue) {
      const address = keys.accountQueue(account);
      queue = new Queue(address.name, { connection: redis, prefix: address.prefix, streams: QUEUE_STREAMS });
      // Connection faults reach the caller as failed commands; unheard, BullMQ would print them raw.
      queue.on('error', () => {});
      queues.set(account, queue);
    }
    return queue;
  };
  const results = createResultStore(redis, keys);
  const dlqQueue = new Queue(keys.deadLetterQueue.name, {
    connection: redis,
    prefix: keys.deadLetterQueue.prefix,
    streams: QUEUE_STREAMS,
  });
  dlqQueue.on('error', () => {});
  const deadLetter = createDeadLetter({
    queue: dlqQueue,
    results,
    accountQueue: queueFor,
    jobOptions: accountJobOptions(),
    claims: { redis, keyOf: keys.replayClaim },
    paramSets: createParamSetCache((batchId, setId) => redis.hget(keys.batchParams(batchId), setId)),
  });
  const producer = createProducer({
    redis,
    keys,
    deadLetter,
    ...(open.producerName ? { name: open.producerName } : {}),
    validation: {
      accounts: Object.fromEntries(
        Object.entries(config.accounts).map(([name, a]) => [
          name,
          { vendor: a.vendor, rehearsal: a.rehearsal },
        ]),
      ),
      operations,
    },
  });

  const accountNames = async () => [
    ...new Set([...Object.keys(config.accounts), ...(await accountsWithQueues(redis, keys))]),
  ];
  const webhooks =
    config.webhooks.length > 0 ? createWebhookOutbox({ redis, keys, webhooks: config.webhooks }) : undefined;

  return {
    config,
    keys,
    redis,
    producer,
    redisWarning,
    deadLetterQueue: dlqQueue,
    accountQueue: queueFor,
    accountNames,
    item: (jobId) => readItemStatus({ results, accountQueue: queueFor }, jobId),
    fleetSnapshot: (accounts) =>
      readFleetSnapshot({
        redis,
        keys,
        accountQueue: queueFor,
        accounts: async () => accounts,
        deadLetterSize: () => deadLetter.count(),
      }),
    idempotency: (ttlSeconds) => createIdempotencyStore(redis, keys, ttlSeconds),
    batches: createBatchReader(createBatchStore(redis, keys), results),
    deadLetter,
    webhooks,
    account(name) {
      const control = createAccountControl(name, queueFor(name), redis, keys);
      return webhooks ? announcingResume(name, control, queueFor(name), webhooks) : control;
    },
    workerCount: (name) => queueFor(name).getWorkersCount(),
    prune: (options) =>
      pruneBatches({ redis, keys, batches: createBatchStore(redis, keys), results }, options),
    async accountStatus() {
      const statuses: AccountStatus[] = [];
      for (const name of await accountNames()) {
        const account = Object.hasOwn(config.accounts, name) ? config.accounts[name] : undefined;
        const queue = queueFor(name);
        const control = createAccountControl(name, queue, redis, keys);
        const [paused, halt, counts, fleet, waitUntil, workers] = await Promise.all([
          queue.isPaused(),
          control.haltRecord(),
          queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
          control.storedRateLimit(),
          control.rateWaitUntil(Date.now()),
          queue.getWorkersCount().catch(() => 0),
        ]);
        const limit = fleet ?? account?.rateLimit ?? { max: 0, durationMs: 0 };
        statuses.push({
          account: name,
          vendor: account?.vendor ?? '(not configured)',
          configured: account !== undefined,
          state: halt ? 'halted' : paused ? 'paused' : 'running',
          ...(halt ? { halt } : {}),
          counts: {
            waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            completed: counts.completed ?? 0,
            failed: counts.failed ?? 0,
          },
          rateLimit: { max: limit.max, durationMs: limit.durationMs },
          ...(waitUntil ? { rateLimitWaitUntil: waitUntil } : {}),
          workers,
        });
      }
      return statuses;
    },
    async close() {
      await producer.close();
      await webhooks?.close();
      await Promise.all([...queues.values(), dlqQueue].map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
