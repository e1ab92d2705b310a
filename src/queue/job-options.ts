/**
 * BullMQ options every account job gets. Attempts are decided by the processor (it dead-letters
 * on the last one instead of failing), so BullMQ's own count only needs to be as high.
 */
import type { JobsOptions } from 'bullmq';

export const BACKOFF_TYPE = 'revoker-full-jitter';

export interface RetrySettings {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function accountJobOptions(retry: RetrySettings): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: BACKOFF_TYPE },
    // Finished jobs leave Redis soon: the results hash is the durable record, not BullMQ.
    removeOnComplete: { count: 100 },
    // Failed jobs are swept into the dead-letter queue, which keeps them.
    removeOnFail: false,
  };
}

/**
 * Options every account and dead-letter Queue instance gets (each writes them into the queue's
 * meta, so they must agree). Nothing of ours reads the events stream; 1,000 entries are enough
 * for a dashboard and cost 1.1 MB less than BullMQ's 10,000.
 */
export const QUEUE_STREAMS = { events: { maxLen: 1000 } } as const;
