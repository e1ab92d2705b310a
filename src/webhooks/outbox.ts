/**
 * The webhooks outbox: turns an event into one delivery job per webhook that subscribes to it,
 * on the `webhooks` BullMQ queue (under the hash-tagged prefix, like every queue of ours).
 * Each webhook's deliveries retry on their own: a receiver that is down delays only itself.
 *
 * A delivery's job id is `<webhook>~<event id>`: an event told twice while its delivery is still
 * in Redis (a retold item, a batch swept twice) is one delivery, and otherwise the same event id
 * again, which the receiver deduplicates. Job data holds the webhook's name, never its URL or
 * secret: the delivering worker takes both from its own config.
 */
import { type JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import type { WebhookConfig } from '../config.ts';
import { QUEUE_STREAMS } from '../queue/job-options.ts';
import type { KeySpace } from '../queue/keys.ts';
import type { RedisClient } from '../queue/redis-connection.ts';
import { TEST_EVENT_TYPE, type WebhookDeliveryType, type WebhookEvent } from './event.ts';

export const WEBHOOK_BACKOFF_TYPE = 'revoker-webhook';

/** What a delivery job holds. */
export interface WebhookJobData {
  webhook: string;
  id: string;
  type: WebhookDeliveryType;
  /** The JSON body, serialised once: every attempt sends and signs the same bytes. */
  body: string;
}

export const webhookJobDataSchema = z.object({
  webhook: z.string().min(1),
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  type: z.enum(['item.finished', 'batch.finished', 'account.halted', 'account.resumed', TEST_EVENT_TYPE]),
  body: z.string(),
}) satisfies z.ZodType<WebhookJobData>;

/** Whether a webhook wants an event: its type is listed, and it concerns a listed account (if any). */
export function subscribes(webhook: WebhookConfig, event: WebhookEvent): boolean {
  if (event.type === TEST_EVENT_TYPE || !webhook.events.includes(event.type)) return false;
  if (webhook.accounts === undefined) return true;
  return event.accounts.some((account) => webhook.accounts?.includes(account));
}

/** `<webhook>~<event id>`: no `:` (BullMQ reserves it), one job per event and receiver. */
export function deliveryJobId(webhook: string, eventId: string): string {
  return `${webhook}~${eventId}`;
}

export function deliveryJobOptions(webhook: WebhookConfig): JobsOptions {
  return {
    attempts: webhook.retry.attempts,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
    // Delivered events leave soon; one kept this long still absorbs an event told twice.
    removeOnComplete: { count: 1000 },
    // Given up: kept for `revoker webhooks failed` / `retry` until purged.
    removeOnFail: false,
  };
}

export interface WebhookOutbox {
  /** Adds one delivery per subscribed webhook (one round trip); answers how many. */
  emit(event: WebhookEvent): Promise<number>;
  close(): Promise<void>;
}

export function createWebhookOutbox(options: {
  /** The connection to add jobs on; the outbox does not close it. */
  redis: RedisClient;
  keys: KeySpace;
  webhooks: readonly WebhookConfig[];
}): WebhookOutbox {
  const queue = new Queue(options.keys.webhooksQueue.name, {
    connection: options.redis,
    prefix: options.keys.webhooksQueue.prefix,
    streams: QUEUE_STREAMS,
  });
  // Faults reach the caller as failed adds; unheard, BullMQ would print them raw.
  queue.on('error', () => {});
  return {
    async emit(event) {
      const jobs = options.webhooks
        .filter((webhook) => subscribes(webhook, event))
        .map((webhook) => ({
          name: event.type,
          data: {
            webhook: webhook.name,
            id: event.id,
            type: event.type,
            body: event.body,
          } satisfies WebhookJobData,
          opts: { ...deliveryJobOptions(webhook), jobId: deliveryJobId(webhook.name, event.id) },
        }));
      if (jobs.length > 0) await queue.addBulk(jobs);
      return jobs.length;
    },
    close: () => queue.close(),
  };
}
