/**
 * What Redis keeps about scheduled runs: each schedule's last run (what `revoker schedule list`
 * shows) and its latest 100 runs, newest first; and, per batch a run made, which schedule made it
 * and where its report goes (read when the batch finishes, dropped once the report is written).
 */

import type { KeySpace } from '../queue/keys.ts';
import type { RedisClient } from '../queue/redis-connection.ts';

export interface ScheduleRunBatch {
  batchId: string;
  /** The file its rows came from (where it was when the run took it). */
  file: string;
  /** `submitted-earlier`: a tick run again after a crash found its batch submitted already. */
  status: 'enqueued' | 'rejected' | 'submitted-earlier';
  /** Where a drop directory's file was moved (`processed/…`, `failed/…`). */
  movedTo?: string;
  /** Why it was rejected (shortened; the whole list is in `failed/<file>.errors.txt`). */
  message?: string;
  rows?: number;
  enqueued?: number;
}

export interface ScheduleRun {
  schedule: string;
  /** `cron`: a tick of its job scheduler; `manual`: `revoker schedule run`. */
  trigger: 'cron' | 'manual';
  /** Epoch ms of the tick (a manual run: when it started); names its batches. */
  tickAt: number;
  startedAt: number;
  finishedAt: number;
  /**
   * `done`: every file taken made a batch or was rejected; `nothing-new`: an empty drop
   * directory; `busy`: another run of the schedule was in progress, nothing done; `failed`: the
   * source could not be read, or Redis failed mid-run (a tick's job is then tried again).
   */
  status: 'done' | 'nothing-new' | 'busy' | 'failed';
  message?: string;
  batches: ScheduleRunBatch[];
  host: string;
  pid: number;
}

/** Where a scheduled batch's report goes once it finishes. */
export interface ScheduledBatch {
  schedule: string;
  reportDir: string;
  reportFormat: 'json' | 'csv';
}

const KEEP_RUNS = 100;
const MAX_MESSAGE = 2000;

export function shorten(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (shortened)` : message;
}

export interface RunLog {
  record(run: ScheduleRun): Promise<void>;
  last(schedule: string): Promise<ScheduleRun | undefined>;
  /** The latest runs, newest first. */
  recent(schedule: string, count?: number): Promise<ScheduleRun[]>;
  rememberBatch(batchId: string, scheduled: ScheduledBatch): Promise<void>;
  batchOf(batchId: string): Promise<ScheduledBatch | undefined>;
  forgetBatch(batchId: string): Promise<void>;
  /** Forgets a schedule's runs (`revoker schedule remove`). */
  forget(schedule: string): Promise<void>;
}

export function createRunLog(redis: RedisClient, keys: KeySpace): RunLog {
  const parse = <T>(json: string | null | undefined): T | undefined =>
    json ? (JSON.parse(json) as T) : undefined;
  return {
    async record(run) {
      const json = JSON.stringify(run);
      await redis
        .multi()
        .hset(keys.scheduleRuns, run.schedule, json)
        .lpush(keys.scheduleLog(run.schedule), json)
        .ltrim(keys.scheduleLog(run.schedule), 0, KEEP_RUNS - 1)
        .exec();
    },
    async last(schedule) {
      return parse<ScheduleRun>(await redis.hget(keys.scheduleRuns, schedule));
    },
    async recent(schedule, count = KEEP_RUNS) {
      const lines = await redis.lrange(keys.scheduleLog(schedule), 0, count - 1);
      return lines.map((line) => JSON.parse(line) as ScheduleRun);
    },
    async rememberBatch(batchId, scheduled) {
      await redis.hset(keys.scheduleBatches, batchId, JSON.stringify(scheduled));
    },
    async batchOf(batchId) {
      return parse<ScheduledBatch>(await redis.hget(keys.scheduleBatches, batchId));
    },
    async forgetBatch(batchId) {
      await redis.hdel(keys.scheduleBatches, batchId);
    },
    async forget(schedule) {
      await redis.multi().hdel(keys.scheduleRuns, schedule).del(keys.scheduleLog(schedule)).exec();
    },
  };
}
