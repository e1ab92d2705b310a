/**
 * The BullMQ options of account jobs and queues, and the retry settings the processor applies.
 */
import type { JobsOptions } from 'bullmq';

/** The backoff type of jobs enqueued before the processor retried by itself (worker-pool.ts). */
export const BACKOFF_TYPE = 'revoker-full-jitter';

export interface RetrySettings {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * BullMQ options every account job gets: none but its id. The processor retries transient
 * answers itself (processor.ts: the count in the job data, the wait from backoff.ts) and
 * dead-letters on the last attempt, and the worker keeps 100 completed jobs (worker-pool.ts). So
 * the options Redis stores with each waiting job are `{"jobId":…}` and fit the small hash
 * encoding (compact-job-data.ts says why that matters). `attempts: undefined` keeps BullMQ from
 * storing its default `attempts: 0`.
 */
export function accountJobOptions(): JobsOptions {
  return { attempts: undefined };
}

/** Completed jobs each account queue keeps: the results hash is the durable record, not BullMQ. */
export const KEEP_COMPLETED = { count: 100 } as const;

/**
 * Options every account and dead-letter Queue instance gets (each writes them into the queue's
 * meta, so they must agree). Nothing of ours reads the events stream; 1,000 entries are enough
 * for a dashboard and cost 1.1 MB less than BullMQ's 10,000.
 */
export const QUEUE_STREAMS = { events: { maxLen: 1000 } } as const;
