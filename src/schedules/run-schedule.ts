/**
 * One run of a schedule: reads its source, submits each file as a batch exactly as
 * `revoker submit` would (the producer's validation, all or nothing per file), moves a drop
 * directory's files to `processed/` or `failed/`, and records the run. A cron tick's job and
 * `revoker schedule run NAME` both end here.
 *
 * One run of a schedule at a time, fleet-wide (a lock in Redis): a tick that finds the previous
 * run still going records `busy` and leaves the directory's files for the next tick.
 *
 * A tick's job that runs again (a worker died mid-run, Redis failed) names the same batches
 * (batch-name.ts): a batch submitted already is not submitted twice, and one cut off is resumed
 * with the same file, which stays in place until its batch is enqueued.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ScheduleConfig } from '../config.ts';
import { isRevokerError } from '../errors.ts';
import { REQUIRED_COLUMNS, readInputRows } from '../jobs/input-file.ts';
import type { BatchReader } from '../queue/batch-report.ts';
import type { KeySpace } from '../queue/keys.ts';
import type { Producer } from '../queue/producer.ts';
import type { RedisClient } from '../queue/redis-connection.ts';
import { scheduleBatchId, scheduleStamp } from './batch-name.ts';
import { createRunLog, type ScheduleRun, type ScheduleRunBatch, shorten } from './run-log.ts';
import { withScheduleAccount } from './schedule-rows.ts';
import { readSource, settleFile, writeRejection } from './source.ts';

export interface RunScheduleDeps {
  producer: Producer;
  batches: Pick<BatchReader, 'meta'>;
  redis: RedisClient;
  keys: KeySpace;
  logger?: Logger;
  now?: () => number;
}

export interface RunTrigger {
  kind: 'cron' | 'manual';
  /** The cron tick (BullMQ's scheduled time); a manual run: now. */
  tickAt: number;
}

/** How long a run holds its schedule without a sign of life (renewed while it runs). */
const LOCK_MS = 60_000;

export async function runSchedule(
  schedule: ScheduleConfig,
  trigger: RunTrigger,
  deps: RunScheduleDeps,
): Promise<ScheduleRun> {
  const now = deps.now ?? Date.now;
  const log = createRunLog(deps.redis, deps.keys);
  const lockKey = deps.keys.scheduleLock(schedule.name);
  const token = randomUUID();
  const startedAt = now();
  let tickAt = trigger.tickAt;
  const batches: ScheduleRunBatch[] = [];
  const finish = async (status: ScheduleRun['status'], message?: string): Promise<ScheduleRun> => {
    const run: ScheduleRun = {
      schedule: schedule.name,
      trigger: trigger.kind,
      tickAt,
      startedAt,
      finishedAt: now(),
      status,
      ...(message === undefined ? {} : { message: shorten(message) }),
      batches,
      host: hostname(),
      pid: process.pid,
    };
    await log.record(run);
    return run;
  };

  if ((await deps.redis.set(lockKey, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
    return finish('busy', 'another run of this schedule is in progress; its files are left for the next run');
  }
  const renew = setInterval(() => void deps.redis.pexpire(lockKey, LOCK_MS).catch(() => {}), LOCK_MS / 3);
  renew.unref();
  try {
    let source: Awaited<ReturnType<typeof readSource>>;
    try {
      source = await readSource(schedule.source, `schedules.${schedule.name}.source`);
    } catch (error) {
      if (!isRevokerError(error, 'SCHEDULE_ERR_SOURCE')) throw error;
      deps.logger?.error({ schedule: schedule.name, err: error.message }, 'scheduled run: source unreadable');
      return await finish('failed', error.message);
    }
    if (source.files.length === 0) return await finish('nothing-new');
    // Two manual runs in one second (or one beside a tick) must not share batch names.
    if (trigger.kind === 'manual') {
      while (await deps.batches.meta(scheduleBatchId(schedule.name, tickAt))) tickAt += 1000;
    }
    let index = 1;
    for (const file of source.files) {
      // The first free name, or the one this file had in an earlier try of the same tick.
      for (;;) {
        const batchId = scheduleBatchId(schedule.name, tickAt, index++);
        const earlier = await deps.batches.meta(batchId);
        if (earlier && earlier.source !== file) continue;
        batches.push(await runFile(file, batchId, earlier?.state, source.kind === 'directory'));
        break;
      }
    }
    return await finish('done');
  } catch (error) {
    // Redis or the file system failed mid-run: on record, and thrown (a tick's job tries again).
    await finish('failed', error instanceof Error ? error.message : String(error)).catch(() => {});
    throw error;
  } finally {
    clearInterval(renew);
    if ((await deps.redis.get(lockKey).catch(() => null)) === token)
      await deps.redis.del(lockKey).catch(() => {});
  }

  async function runFile(
    file: string,
    batchId: string,
    earlierState: string | undefined,
    movable: boolean,
  ): Promise<ScheduleRunBatch> {
    const stamp = scheduleStamp(tickAt);
    if (earlierState === 'submitted') {
      // Enqueued by an earlier try of this tick that stopped before moving the file.
      const movedTo = movable ? await settleFile(file, 'processed', stamp) : undefined;
      return { batchId, file, status: 'submitted-earlier', ...(movedTo ? { movedTo } : {}) };
    }
    // Known before the batch exists: it may finish (and want its report) as soon as it is enqueued.
    await log.rememberBatch(batchId, {
      schedule: schedule.name,
      reportDir: schedule.reportDir,
      reportFormat: schedule.reportFormat,
    });
    try {
      const rows = readInputRows(file, {
        requiredColumns: schedule.account === undefined ? REQUIRED_COLUMNS : ['operation'],
      });
      const summary = await deps.producer.submit(withScheduleAccount(rows, schedule.account), {
        batchId,
        source: file,
        ...(schedule.rehearsal === true ? { rehearsal: true } : {}),
        ...(earlierState !== undefined ? { resume: true } : {}),
      });
      const movedTo = movable ? await settleFile(file, 'processed', stamp) : undefined;
      deps.logger?.info(
        { schedule: schedule.name, batchId, file, rows: summary.rows, enqueued: summary.enqueued },
        'scheduled run: batch enqueued',
      );
      return {
        batchId,
        file,
        status: 'enqueued',
        ...(movedTo ? { movedTo } : {}),
        rows: summary.rows,
        enqueued: summary.enqueued,
      };
    } catch (error) {
      // Rejected input (row errors, no rows, an unreadable or unknown file) fails the file, like
      // `submit` exits 2. (The producer's other INPUT_ERR_INVALID cases, a batch id in use or
      // another submit of it running, cannot happen here: one run at a time, names checked above.)
      if (!isRevokerError(error, 'INPUT_ERR_INVALID')) throw error;
      await log.forgetBatch(batchId);
      let movedTo: string | undefined;
      if (movable) {
        movedTo = await settleFile(file, 'failed', stamp);
        await writeRejection(movedTo, error.message);
      }
      deps.logger?.warn(
        { schedule: schedule.name, batchId, file, err: shorten(error.message) },
        'scheduled run: file rejected',
      );
      return {
        batchId,
        file,
        status: 'rejected',
        ...(movedTo ? { movedTo } : {}),
        message: shorten(error.message),
      };
    }
  }
}
