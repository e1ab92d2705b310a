/**
 * Starts a worker process's work: resolves the accounts' secrets, checks Redis, starts the
 * services beside the account workers (webhook deliveries, schedules, the batch watch:
 * run-worker-services.ts), and runs one BullMQ worker per account. The entry point
 * (`revoker worker`: src/cli/worker-command.ts) owns signals and exit codes.
 */
import { buildWorkerAccounts } from './account-runtime.ts';
import type { Env, RevokerConfig } from './config.ts';
import { RevokerError } from './errors.ts';
import type { Logger } from './logger.ts';
import { queuedAccountsNotIn } from './queue/account-queues.ts';
import { keySpace } from './queue/keys.ts';
import { legacyLayoutWarning } from './queue/legacy-layout.ts';
import { checkRedis, createRedis } from './queue/redis-connection.ts';
import { resolveRedisTarget } from './queue/redis-target.ts';
import { combineWorkerEvents } from './queue/worker-events.ts';
import { startWorkerPool, type WorkerPool, type WorkerPoolOptions } from './queue/worker-pool.ts';
import { startWorkerServices, type WorkerServicesTuning } from './run-worker-services.ts';
import { resolveAllAccountSecrets } from './secrets.ts';

export interface RunWorkerOptions {
  config: RevokerConfig;
  env: Env;
  logger: Logger;
  /** Only these accounts. @defaultValue every configured account */
  accounts?: readonly string[];
  /** Timings for tests and operators (see WorkerPoolOptions). */
  tuning?: Pick<
    WorkerPoolOptions,
    'shutdownGraceMs' | 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount' | 'sweepIntervalMs'
  > &
    WorkerServicesTuning;
  /** Listeners for the workers' calls, outcomes, halts and waits (metrics, webhooks). */
  events?: WorkerPoolOptions['events'];
}

export async function runWorker(options: RunWorkerOptions): Promise<WorkerPool> {
  const { config, logger } = options;
  const names = options.accounts?.length ? [...options.accounts] : Object.keys(config.accounts);
  const unknown = names.filter((n) => !Object.hasOwn(config.accounts, n));
  if (unknown.length > 0) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `--account: ${unknown.join(', ')} not in the config (configured: ${Object.keys(config.accounts).join(', ') || 'none'})`,
    );
  }
  if (names.length === 0) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      'accounts: the config names no account, so there is nothing to work on',
    );
  }
  const selected = Object.fromEntries(names.map((n) => [n, config.accounts[n]!]));
  const secrets = await resolveAllAccountSecrets(selected, {
    env: options.env,
    onWarning: (message) => logger.warn(message),
  });

  // Resolved once: every connection of this process (pool, services, probe) is made from it.
  const target = await resolveRedisTarget(config.redis, {
    env: options.env,
    onWarning: (m) => logger.warn(m),
  });
  const probe = createRedis(target, 'producer');
  try {
    const warning = await checkRedis(probe, target);
    if (warning) logger.warn(warning);
    const legacy = await legacyLayoutWarning(probe, config.redis.prefix);
    if (legacy) logger.error(legacy);
    // Jobs of an account this config no longer has would wait forever without a word.
    for (const orphan of await queuedAccountsNotIn(
      probe,
      keySpace(config.redis.prefix),
      Object.keys(config.accounts),
    )) {
      logger.warn(
        { account: orphan.account, waiting: orphan.waiting },
        `account ${orphan.account} is not in the config but ${orphan.waiting} of its jobs wait in Redis: ` +
          'add it back (and run a worker for it), or they never run',
      );
    }
  } finally {
    probe.disconnect();
  }

  const { batchWatchIntervalMs, webhookConcurrency, ...poolTuning } = options.tuning ?? {};
  const services = await startWorkerServices({
    config,
    redis: target,
    env: options.env,
    logger,
    tuning: {
      ...(batchWatchIntervalMs ? { batchWatchIntervalMs } : {}),
      ...(webhookConcurrency ? { webhookConcurrency } : {}),
    },
  });
  let pool: WorkerPool;
  try {
    pool = await startWorkerPool({
      redis: target,
      keys: keySpace(config.redis.prefix),
      accounts: buildWorkerAccounts(config, names, secrets),
      retry: config.retry,
      retentionMs: config.retention.days * 86_400_000,
      logger,
      ...poolTuning,
      events: combineWorkerEvents(options.events, services.events),
    });
  } catch (error) {
    await services.close().catch(() => {});
    throw error;
  }
  logger.info(
    {
      accounts: pool.accounts,
      webhooks: config.webhooks.map((w) => w.name),
      schedules: config.schedules.map((s) => s.name),
    },
    'worker started',
  );
  let closing: Promise<void> | undefined;
  return {
    accounts: pool.accounts,
    abort: () => pool.abort(),
    close() {
      // The account workers first: their last outcomes still enqueue deliveries.
      closing ??= (async () => {
        try {
          await pool.close();
        } finally {
          await services.close();
        }
      })();
      return closing;
    },
  };
}
