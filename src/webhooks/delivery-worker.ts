/**
 * The delivery worker: takes jobs off the `webhooks` queue and sends each to its receiver
 * (send.ts), inside `revoker worker` when webhooks are configured. A failed attempt is thrown,
 * and BullMQ retries it with this module's backoff (delivery-backoff.ts, the webhook's `retry`)
 * until its attempts are spent; then the job stays in the queue's failed list, which
 * `revoker webhooks failed` shows and `revoker webhooks retry` sends again.
 *
 * Never retried: 410 Gone (the receiver asks for no more), a webhook no longer in this worker's
 * config, job data that is not a delivery. Logs name the webhook, the event id and type and the
 * receiver's origin; never the URL's path, the secret or the body.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import type { WebhookConfig } from '../config.ts';
import { isRevokerError, RevokerError } from '../errors.ts';
import type { KeySpace } from '../queue/keys.ts';
import { createRedis } from '../queue/redis-connection.ts';
import type { RedisTarget } from '../queue/redis-target.ts';
import { deliveryDelayMs, retryHorizonMs } from './delivery-backoff.ts';
import { WEBHOOK_BACKOFF_TYPE, webhookJobDataSchema } from './outbox.ts';
import { receiverOrigin, sendWebhook } from './send.ts';
import type { SigningKey } from './signature.ts';

export interface WebhookDeliveryOptions {
  /** Where Redis is (secrets resolved); the runner opens its own worker connection from it. */
  redis: RedisTarget;
  keys: KeySpace;
  webhooks: readonly WebhookConfig[];
  signingKeys: ReadonlyMap<string, SigningKey>;
  logger: Logger;
  /** Deliveries in flight at once in this process. @defaultValue 10 */
  concurrency?: number;
  /** How long close() lets deliveries in flight finish before cancelling them (they are retried, same id). @defaultValue 5000 */
  shutdownGraceMs?: number;
}

export interface WebhookDelivery {
  close(): Promise<void>;
}

export function startWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const { logger } = options;
  const byName = new Map(options.webhooks.map((w) => [w.name, w]));
  for (const webhook of options.webhooks) {
    const horizon = retryHorizonMs(webhook.retry);
    if (horizon.min < 3_600_000) {
      logger.warn(
        { webhook: webhook.name, horizonMinutes: Math.round(horizon.min / 60_000) },
        `webhook ${webhook.name}: its retries give up after about ${Math.round(horizon.min / 60_000)} min; ` +
          'a receiver down longer misses events (they wait in revoker webhooks failed)',
      );
    }
  }
  const connection = createRedis(options.redis, 'worker');
  // One keep-alive pool per process for every receiver; connects give up as a delivery does.
  const agent = new Agent({ connect: { timeout: 10_000 } });
  const abort = new AbortController();

  const worker = new Worker(
    options.keys.webhooksQueue.name,
    async (job) => {
      const parsed = webhookJobDataSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`not a webhook delivery: ${parsed.error.message}`);
      const data = parsed.data;
      const webhook = byName.get(data.webhook);
      const key = options.signingKeys.get(data.webhook);
      if (!webhook || !key) {
        throw new UnrecoverableError(
          `webhook ${data.webhook} is not in this worker's config: not sent (revoker webhooks retry sends it once it is back)`,
        );
      }
      const where = {
        webhook: webhook.name,
        eventId: data.id,
        type: data.type,
        receiver: receiverOrigin(webhook.url),
      };
      const attempt = job.attemptsMade + 1;
      const of = job.opts.attempts ?? 1;
      let answer: Awaited<ReturnType<typeof sendWebhook>>;
      try {
        answer = await sendWebhook({
          url: webhook.url,
          key,
          id: data.id,
          body: data.body,
          timeoutMs: webhook.timeoutMs,
          dispatcher: agent,
          signal: abort.signal,
        });
      } catch (error) {
        logger.warn(
          { ...where, attempt, of, err: error instanceof Error ? error.message : String(error) },
          'webhook delivery failed',
        );
        throw error;
      }
      if (answer.ok) {
        logger.info(
          { ...where, attempt, status: answer.status, latencyMs: Math.round(answer.latencyMs) },
          'webhook delivered',
        );
        return { status: answer.status };
      }
      logger.warn({ ...where, attempt, of, status: answer.status }, 'webhook delivery failed');
      if (answer.status === 410) {
        throw new UnrecoverableError(
          `${where.receiver} answered 410 Gone: it wants no more events; not retried (remove the webhook, or fix the receiver and revoker webhooks retry)`,
        );
      }
      throw new RevokerError(
        'WEBHOOK_ERR_DELIVERY',
        `webhook ${webhook.name}: ${where.receiver} answered ${answer.status}`,
        {
          details: {
            status: answer.status,
            ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
          },
        },
      );
    },
    {
      connection,
      prefix: options.keys.webhooksQueue.prefix,
      concurrency: options.concurrency ?? 10,
      settings: {
        backoffStrategy: (attemptsMade, type, err, job) => {
          if (type !== WEBHOOK_BACKOFF_TYPE) return 0;
          const name = (job?.data as { webhook?: unknown } | undefined)?.webhook;
          const policy = (typeof name === 'string' ? byName.get(name)?.retry : undefined) ?? {
            attempts: 30,
            baseDelayMs: 5_000,
            maxDelayMs: 3_600_000,
          };
          const retryAfter = isRevokerError(err, 'WEBHOOK_ERR_DELIVERY')
            ? err.details.retryAfterMs
            : undefined;
          return deliveryDelayMs(
            attemptsMade,
            policy,
            typeof retryAfter === 'number' ? retryAfter : undefined,
          );
        },
      },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const spent = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    if (!spent) return;
    logger.error(
      {
        webhook: (job.data as { webhook?: string }).webhook,
        eventId: (job.data as { id?: string }).id,
        err: err.message,
      },
      'webhook delivery given up: it waits in revoker webhooks failed (revoker webhooks retry sends it again)',
    );
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'webhook worker error'));

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        // Deliveries in flight get the grace period, then are cancelled (they count as a failed attempt).
        const timer = setTimeout(() => abort.abort(), options.shutdownGraceMs ?? 5_000);
        try {
          await worker.close();
        } finally {
          clearTimeout(timer);
          await agent.close().catch(() => {});
          await connection.quit().catch(() => connection.disconnect());
        }
      })();
      return closing;
    },
  };
}
