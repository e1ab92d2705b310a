/**
 * The whole fleet's state, read from Redis in a few round trips: jobs per account and state,
 * halted accounts, each account's rate limit, the dead-letter queue's size. What any one process
 * (the API, any worker) reports as gauges at scrape time, so every process reports the same fleet.
 */
import type { Queue } from 'bullmq';
import type { FleetRateLimit } from './account-control.ts';
import type { KeySpace } from './keys.ts';
import type { RedisClient } from './redis-connection.ts';

/** The job states reported per account. `waiting` counts prioritized jobs too. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface AccountSnapshot {
  account: string;
  jobs: Record<QueueState, number>;
  halted: boolean;
  /** The limit the fleet obeys, in calls per second (none stored yet: undefined). */
  rateLimitPerSecond: number | undefined;
}

export interface FleetSnapshot {
  accounts: AccountSnapshot[];
  deadLetterSize: number;
}

export interface FleetSnapshotDeps {
  redis: RedisClient;
  keys: KeySpace;
  accountQueue(account: string): Queue;
  /** Every account to report: the configured ones and any with a queue in Redis. */
  accounts(): Promise<readonly string[]>;
  deadLetterSize(): Promise<number>;
}

export async function readFleetSnapshot(deps: FleetSnapshotDeps): Promise<FleetSnapshot> {
  const names = await deps.accounts();
  const [halts, limits, deadLetterSize] = await Promise.all([
    deps.redis.hgetall(deps.keys.halts),
    deps.redis.hgetall(deps.keys.rateLimits),
    deps.deadLetterSize(),
  ]);
  const accounts = await Promise.all(
    names.map(async (account): Promise<AccountSnapshot> => {
      const counts = await deps
        .accountQueue(account)
        .getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      return {
        account,
        jobs: {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        },
        halted: Object.hasOwn(halts, account),
        rateLimitPerSecond: perSecond(limits[account]),
      };
    }),
  );
  return { accounts, deadLetterSize };
}

function perSecond(json: string | undefined): number | undefined {
  if (json === undefined) return undefined;
  try {
    const limit = JSON.parse(json) as FleetRateLimit;
    return limit.durationMs > 0 ? (limit.max * 1000) / limit.durationMs : undefined;
  } catch {
    return undefined;
  }
}
