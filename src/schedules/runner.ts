/**
 * The schedule runner inside `revoker worker`: a BullMQ worker on the `schedules` queue, which the
 * job schedulers (sync.ts) fill with one job per tick. Each job is one run (run-schedule.ts) of
 * the schedule it names, for the tick it was scheduled for. One job at a time per process: runs
 * read files and submit batches, and the rest of the worker has calls to make.
 */
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ScheduleConfig } from '../config.ts';
import type { KeySpace } from '../queue/keys.ts';
import { createRedis } from '../queue/redis-connection.ts';
import type { RedisTarget } from '../queue/redis-target.ts';
import { type RunScheduleDeps, runSchedule } from './run-schedule.ts';
import type { ScheduleJobData } from './sync.ts';

export interface ScheduleRunnerOptions {
  /** Where Redis is (secrets resolved); the runner opens its own worker connection from it. */
  redis: RedisTarget;
  keys: KeySpace;
  schedules: readonly ScheduleConfig[];
  deps: RunScheduleDeps;
  logger: Logger;
}

export interface ScheduleRunner {
  close(): Promise<void>;
}

export function startScheduleRunner(options: ScheduleRunnerOptions): ScheduleRunner {
  const { logger } = options;
  const byName = new Map(options.schedules.map((s) => [s.name, s]));
  const connection = createRedis(options.redis, 'worker');
  const worker = new Worker(
    options.keys.schedulesQueue.name,
    async (job: Job<ScheduleJobData>) => {
      const name = job.data?.schedule;
      const schedule = typeof name === 'string' ? byName.get(name) : undefined;
      if (!schedule) {
        // Another worker's config has it (a rolling change): this one cannot run it.
        logger.warn(
          { schedule: name, jobId: job.id },
          `scheduled run: schedule ${String(name)} is not in this worker's config; skipped`,
        );
        return { status: 'not-configured' };
      }
      // The tick this job stands for (BullMQ keeps it as prevMillis); it names the run's batches.
      const tickAt = job.opts.prevMillis ?? job.timestamp;
      const run = await runSchedule(schedule, { kind: 'cron', tickAt }, options.deps);
      logger.info(
        {
          schedule: schedule.name,
          status: run.status,
          batches: run.batches.map((b) => `${b.batchId} ${b.status}`),
        },
        'scheduled run',
      );
      return { status: run.status, batches: run.batches.map((b) => b.batchId) };
    },
    { connection, prefix: options.keys.schedulesQueue.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'schedule runner error'));
  worker.on('failed', (job, err) =>
    logger.error(
      { schedule: (job?.data as ScheduleJobData | undefined)?.schedule, err: err.message },
      'scheduled run failed',
    ),
  );
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        try {
          await worker.close();
        } finally {
          await connection.quit().catch(() => connection.disconnect());
        }
      })();
      return closing;
    },
  };
}
