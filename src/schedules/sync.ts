/**
 * Keeps Redis's job schedulers in step with the config: every configured schedule is upserted
 * (BullMQ `upsertJobScheduler`, one scheduler per name, so the fleet gets one job per tick however
 * many workers run), and a scheduler whose name the config no longer has is removed. Every worker
 * does this when it starts; the config of the worker started last wins.
 */
import type { JobSchedulerJson, Queue } from 'bullmq';
import type { ScheduleConfig } from '../config.ts';

/** Name of every tick's job; its data names the schedule. */
export const SCHEDULE_JOB_NAME = 'scheduled-run';

export interface ScheduleJobData {
  schedule: string;
}

export interface SyncResult {
  upserted: string[];
  removed: string[];
}

export async function syncSchedules(queue: Queue, schedules: readonly ScheduleConfig[]): Promise<SyncResult> {
  const wanted = new Set(schedules.map((s) => s.name));
  for (const schedule of schedules) {
    await queue.upsertJobScheduler(
      schedule.name,
      { pattern: schedule.cron, tz: schedule.tz },
      {
        name: SCHEDULE_JOB_NAME,
        data: { schedule: schedule.name } satisfies ScheduleJobData,
        opts: {
          // A run that failed mid-way (Redis, the file system) is tried again; its batches resume.
          attempts: 3,
          backoff: { type: 'exponential', delay: 30_000 },
          removeOnComplete: { count: 100 },
          removeOnFail: { count: 100 },
        },
      },
    );
  }
  const removed: string[] = [];
  for (const scheduler of await listSchedulers(queue)) {
    if (!wanted.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
      removed.push(scheduler.key);
    }
  }
  return { upserted: [...wanted], removed };
}

/** Every job scheduler in Redis (a page at a time). */
export async function listSchedulers(queue: Queue): Promise<JobSchedulerJson[]> {
  const all: JobSchedulerJson[] = [];
  const page = 100;
  for (let start = 0; ; start += page) {
    const chunk = await queue.getJobSchedulers(start, start + page - 1, true);
    all.push(...chunk);
    if (chunk.length < page) return all;
  }
}
