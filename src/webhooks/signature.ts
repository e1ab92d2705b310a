/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"): the
 * HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the endpoint's secret, sent as
 * `webhook-signature: v1,<base64>`.
 *
 * The secret: `whsec_<base64>` is the spec's serialisation, and its key is the decoded bytes
 * (what the reference libraries do). Any other value is used as its UTF-8 bytes, as the
 * reference JavaScript library does with `new Webhook(secret, { format: 'raw' })`. Either way the
 * key must have at least 24 bytes (the spec's minimum, 192 bits).
 */
import { createHmac } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const MIN_KEY_BYTES = 24;

/**
 * A key that signs: the bytes live in a closure only, so a key that strays into a log line or
 * a JSON.stringify shows as `{}`, never as the secret.
 */
export interface SigningKey {
  /** Base64 HMAC-SHA256 of `content`. */
  hmacBase64(content: string): string;
}

/**
 * The signing key of a secret, or why it cannot be one. The reason never contains the secret:
 * it ends up in error messages and logs.
 */
export function signingKey(secret: string): { ok: true; key: SigningKey } | { ok: false; reason: string } {
  let bytes: Buffer;
  if (secret.startsWith(SECRET_PREFIX)) {
    const encoded = secret.slice(SECRET_PREFIX.length);
    // Buffer.from(…, 'base64') skips what it cannot read; the strict shape is checked first.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
      return { ok: false, reason: `a secret starting with "${SECRET_PREFIX}" must continue in base64` };
    }
    bytes = Buffer.from(encoded, 'base64');
  } else {
    bytes = Buffer.from(secret, 'utf8');
  }
  if (bytes.length < MIN_KEY_BYTES) {
    return {
      ok: false,
      reason:
        `the key has ${bytes.length} bytes, fewer than the ${MIN_KEY_BYTES} Standard Webhooks asks for: ` +
        `make one with: echo "${SECRET_PREFIX}$(openssl rand -base64 32)"`,
    };
  }
  return {
    ok: true,
    key: { hmacBase64: (content) => createHmac('sha256', bytes).update(content, 'utf8').digest('base64') },
  };
}

/** The content that is signed: `{id}.{timestamp}.{body}`, exactly as sent. */
export function signedContent(id: string, timestampSeconds: number, body: string): string {
  return `${id}.${timestampSeconds}.${body}`;
}

/** The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>`. */
export function webhookSignature(
  key: SigningKey,
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  return `v1,${key.hmacBase64(signedContent(id, timestampSeconds, body))}`;
}

/** The three Standard Webhooks headers of one delivery attempt (the timestamp is the attempt's). */
export function webhookHeaders(
  key: SigningKey,
  id: string,
  body: string,
  now: number = Date.now(),
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(key, id, timestamp, body),
  };
}
