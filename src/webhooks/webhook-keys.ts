/**
 * The webhooks' signing keys, resolved from their secret references (src/secrets.ts) when a worker
 * starts or `revoker webhooks test` runs. Every problem is reported at once, naming the webhook's
 * field, never the value; a key lives in memory only (signature.ts keeps it in a closure).
 */
import type { WebhookConfig } from '../config.ts';
import { RevokerError } from '../errors.ts';
import { resolveSecret, type SecretDeps } from '../secrets.ts';
import { type SigningKey, signingKey } from './signature.ts';

export async function resolveWebhookKey(webhook: WebhookConfig, deps: SecretDeps): Promise<SigningKey> {
  const field = `webhooks.${webhook.name}.secret`;
  const key = signingKey(await resolveSecret(webhook.secret, deps, field));
  if (!key.ok) {
    throw new RevokerError('CONFIG_ERR_SECRET', `${field}: ${key.reason}`, {
      details: { field, ...webhook.secret },
    });
  }
  return key.key;
}

/** Every webhook's key by name; all unresolvable ones in one error. */
export async function resolveWebhookKeys(
  webhooks: readonly WebhookConfig[],
  deps: SecretDeps,
): Promise<Map<string, SigningKey>> {
  const keys = new Map<string, SigningKey>();
  const failures: RevokerError[] = [];
  for (const webhook of webhooks) {
    try {
      keys.set(webhook.name, await resolveWebhookKey(webhook, deps));
    } catch (error) {
      if (!(error instanceof RevokerError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) {
    throw new RevokerError(
      'CONFIG_ERR_SECRET',
      `${failures.length} webhook secrets cannot be used:\n${failures.map((f) => `  ${f.message}`).join('\n')}`,
      { details: { failures: failures.map((f) => f.details) } },
    );
  }
  return keys;
}
