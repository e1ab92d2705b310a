/**
 * Deliveries whose attempts are spent (or that were not retried: 410 Gone, a webhook no longer
 * configured): they stay in the `webhooks` queue's failed list, where an operator sees them
 * (`revoker webhooks failed`), sends them again with fresh attempts (`revoker webhooks retry`),
 * or deletes them (`revoker webhooks purge`). A delivery sent again keeps its event id and body.
 */
import { Queue } from 'bullmq';
import { QUEUE_STREAMS } from '../queue/job-options.ts';
import type { KeySpace } from '../queue/keys.ts';
import type { RedisClient } from '../queue/redis-connection.ts';
import { webhookJobDataSchema } from './outbox.ts';

export interface FailedDelivery {
  /** `<webhook>~<event id>`. */
  jobId: string;
  webhook: string;
  eventId: string;
  type: string;
  attempts: number;
  /** The last attempt's error (the receiver's status, or why there was no answer). */
  reason: string;
  /** Epoch ms of the last attempt. */
  failedAt: number;
}

export interface FailedDeliveries {
  list(limit?: number): Promise<FailedDelivery[]>;
  count(): Promise<number>;
  /** Sends these (by job id) again with fresh attempts; answers which were found and retried. */
  retry(jobIds: readonly string[]): Promise<{ retried: string[]; notFailed: string[] }>;
  /** Sends every failed delivery again. */
  retryAll(): Promise<number>;
  /** Deletes every failed delivery; answers how many. */
  purge(): Promise<number>;
  close(): Promise<void>;
}

export function openFailedDeliveries(redis: RedisClient, keys: KeySpace): FailedDeliveries {
  const queue = new Queue(keys.webhooksQueue.name, {
    connection: redis,
    prefix: keys.webhooksQueue.prefix,
    streams: QUEUE_STREAMS,
  });
  queue.on('error', () => {});
  const page = 500;
  return {
    async list(limit = 1000) {
      const jobs = await queue.getFailed(0, limit - 1);
      return jobs.map((job) => {
        const data = webhookJobDataSchema.safeParse(job.data);
        return {
          jobId: job.id ?? '',
          webhook: data.success ? data.data.webhook : '?',
          eventId: data.success ? data.data.id : '?',
          type: data.success ? data.data.type : '?',
          attempts: job.attemptsMade,
          reason: job.failedReason ?? '',
          failedAt: job.finishedOn ?? job.processedOn ?? job.timestamp,
        };
      });
    },
    async count() {
      return queue.getFailedCount();
    },
    async retry(jobIds) {
      const retried: string[] = [];
      const notFailed: string[] = [];
      for (const id of jobIds) {
        const job = await queue.getJob(id);
        if (job && (await job.isFailed())) {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          retried.push(id);
        } else notFailed.push(id);
      }
      return { retried, notFailed };
    },
    async retryAll() {
      let total = 0;
      for (;;) {
        const jobs = await queue.getFailed(0, page - 1);
        if (jobs.length === 0) return total;
        for (const job of jobs)
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        total += jobs.length;
      }
    },
    async purge() {
      let total = 0;
      for (;;) {
        const removed = await queue.clean(0, page, 'failed');
        total += removed.length;
        if (removed.length === 0) return total;
      }
    },
    close: () => queue.close(),
  };
}
