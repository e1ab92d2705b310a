/**
 * `revoker webhooks test NAME`: one signed `webhook.test` event sent now, from this process (not
 * through the queue), so an operator sees at once whether the receiver answers and verifies.
 */
import type { WebhookConfig } from '../config.ts';
import type { SecretDeps } from '../secrets.ts';
import { testEvent } from './event.ts';
import { type DeliveryAnswer, receiverOrigin, sendWebhook } from './send.ts';
import { resolveWebhookKey } from './webhook-keys.ts';

export interface TestDelivery {
  eventId: string;
  receiver: string;
  answer: DeliveryAnswer;
}

/** Throws CONFIG_ERR_SECRET (the secret) or WEBHOOK_ERR_DELIVERY (no answer). */
export async function sendTestEvent(webhook: WebhookConfig, deps: SecretDeps): Promise<TestDelivery> {
  const key = await resolveWebhookKey(webhook, deps);
  const event = testEvent(webhook.name);
  const answer = await sendWebhook({
    url: webhook.url,
    key,
    id: event.id,
    body: event.body,
    timeoutMs: webhook.timeoutMs,
  });
  return { eventId: event.id, receiver: receiverOrigin(webhook.url), answer };
}
