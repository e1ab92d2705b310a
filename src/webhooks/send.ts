/**
 * One delivery attempt: POST the event's body to the receiver with the Standard Webhooks headers,
 * signed for this attempt (a retry keeps the id and the body and gets a new timestamp). A 2xx is
 * delivered; anything else, or no answer within the timeout, is not. Redirects are not followed
 * (the spec: update the URL instead).
 *
 * Messages and logs name the receiver by its origin (`https://hooks.example.com`) only: webhook
 * URLs often carry a token in their path.
 */
import { type Dispatcher, request } from 'undici';
import { RevokerError } from '../errors.ts';
import { parseRetryAfterMs } from './delivery-backoff.ts';
import { type SigningKey, webhookHeaders } from './signature.ts';

export interface DeliveryAttempt {
  url: string;
  key: SigningKey;
  id: string;
  body: string;
  timeoutMs: number;
  /** A keep-alive pool shared by the attempts of a process. @defaultValue undici's global one */
  dispatcher?: Dispatcher;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
  now?: () => number;
}

export interface DeliveryAnswer {
  /** A 2xx. */
  ok: boolean;
  status: number;
  /** The receiver's `Retry-After`, if it sent one. */
  retryAfterMs?: number;
  latencyMs: number;
}

/** Where a webhook goes, fit for a log line: scheme, host and port, no path or query. */
export function receiverOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Answers the receiver's status; throws RevokerError WEBHOOK_ERR_DELIVERY when none came. */
export async function sendWebhook(attempt: DeliveryAttempt): Promise<DeliveryAnswer> {
  const now = attempt.now ?? Date.now;
  const started = performance.now();
  const timeout = AbortSignal.timeout(attempt.timeoutMs);
  const signal = attempt.signal ? AbortSignal.any([attempt.signal, timeout]) : timeout;
  try {
    const response = await request(attempt.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'revoker-webhooks',
        ...webhookHeaders(attempt.key, attempt.id, attempt.body, now()),
      },
      body: attempt.body,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
      signal,
      ...(attempt.dispatcher ? { dispatcher: attempt.dispatcher } : {}),
    });
    // The answer's body is not ours to keep: read a little and let the connection go back.
    await response.body.dump({ limit: 65_536 }).catch(() => {});
    const header = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfterMs(Array.isArray(header) ? header[0] : header, now());
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const code = timeout.aborted
      ? `no answer within ${attempt.timeoutMs} ms`
      : attempt.signal?.aborted
        ? 'cancelled (shutdown)'
        : ((error as { code?: string }).code ?? (error as Error).name ?? 'error');
    throw new RevokerError(
      'WEBHOOK_ERR_DELIVERY',
      `webhook receiver ${receiverOrigin(attempt.url)} did not answer: ${code}`,
      { details: { origin: receiverOrigin(attempt.url), reason: code } },
    );
  }
}
