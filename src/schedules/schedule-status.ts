/**
 * What `revoker schedule list` and `remove` need: every schedule the config names or Redis holds,
 * with its next tick (BullMQ's), its last run and the outcome counts of that run's batches.
 */
import { Queue } from 'bullmq';
import type { ScheduleConfig } from '../config.ts';
import type { Revoker } from '../open-revoker.ts';
import type { OutcomeCounts } from '../queue/batch-report.ts';
import { QUEUE_STREAMS } from '../queue/job-options.ts';
import { nextFire } from './cron.ts';
import { createRunLog, type ScheduleRun } from './run-log.ts';
import { listSchedulers } from './sync.ts';

export interface ScheduleStatus {
  name: string;
  cron: string;
  tz: string;
  /** In this config. */
  configured: boolean;
  /** A job scheduler in Redis (a worker started with it, and it was not removed since). */
  scheduled: boolean;
  /** Epoch ms of the next tick: BullMQ's when scheduled, else what the pattern says. */
  next?: number;
  last?: ScheduleRun;
  /** Outcome counts of the last run's batches (those still kept), by batch id. */
  lastCounts: Record<string, OutcomeCounts>;
}

type ScheduleRevoker = Pick<Revoker, 'config' | 'redis' | 'keys' | 'batches'>;

function schedulesQueue(revoker: ScheduleRevoker): Queue {
  const queue = new Queue(revoker.keys.schedulesQueue.name, {
    connection: revoker.redis,
    prefix: revoker.keys.schedulesQueue.prefix,
    streams: QUEUE_STREAMS,
  });
  queue.on('error', () => {});
  return queue;
}

export async function scheduleStatuses(
  revoker: ScheduleRevoker,
  now: number = Date.now(),
): Promise<ScheduleStatus[]> {
  const queue = schedulesQueue(revoker);
  try {
    const inRedis = new Map((await listSchedulers(queue)).map((s) => [s.key, s]));
    const configured = new Map<string, ScheduleConfig>(revoker.config.schedules.map((s) => [s.name, s]));
    const names = [...new Set([...configured.keys(), ...inRedis.keys()])];
    const log = createRunLog(revoker.redis, revoker.keys);
    const statuses: ScheduleStatus[] = [];
    for (const name of names) {
      const config = configured.get(name);
      const scheduler = inRedis.get(name);
      const cron = scheduler?.pattern ?? config?.cron ?? '';
      const tz = scheduler?.tz ?? config?.tz ?? 'UTC';
      const next = scheduler?.next ?? (cron ? nextFire(cron, tz, now) : undefined);
      const last = await log.last(name);
      const lastCounts: Record<string, OutcomeCounts> = {};
      for (const batch of last?.batches ?? []) {
        if (batch.status === 'rejected' || !(await revoker.batches.meta(batch.batchId))) continue;
        lastCounts[batch.batchId] = await revoker.batches.counts(batch.batchId);
      }
      statuses.push({
        name,
        cron,
        tz,
        configured: config !== undefined,
        scheduled: scheduler !== undefined,
        ...(next === undefined ? {} : { next }),
        ...(last ? { last } : {}),
        lastCounts,
      });
    }
    return statuses;
  } finally {
    await queue.close();
  }
}

/** Removes a schedule's job scheduler (and its pending tick) and its run log; true when it was in Redis. */
export async function removeSchedule(revoker: ScheduleRevoker, name: string): Promise<boolean> {
  const queue = schedulesQueue(revoker);
  try {
    const removed = await queue.removeJobScheduler(name);
    await createRunLog(revoker.redis, revoker.keys).forget(name);
    return removed;
  } finally {
    await queue.close();
  }
}
