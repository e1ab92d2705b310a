/**
 * The error catalogue: every error revoker raises carries a stable string `code`.
 * Callers branch on `code`, never on message text. docs/errors.md lists every code,
 * and test/unit/errors.test.ts keeps the two in step.
 */

export const ErrorCodes = {
  /** The configuration file, environment or flags are invalid; the message names the field. */
  CONFIG_ERR_INVALID: 'CONFIG_ERR_INVALID',
  /** A secret reference ({ env } / { file }) could not be resolved. */
  CONFIG_ERR_SECRET: 'CONFIG_ERR_SECRET',
  /** An input row (CSV / JSONL / API body) failed validation; the message names row and field. */
  INPUT_ERR_INVALID: 'INPUT_ERR_INVALID',
  /** Parameters handed to a vendor call failed that endpoint's rules. */
  CA_ERR_PARAMS: 'CA_ERR_PARAMS',
  /** The vendor could not be reached (DNS, refused, TLS handshake timed out): nothing was sent. */
  CA_ERR_CONNECT: 'CA_ERR_CONNECT',
  /** The vendor's TLS certificate failed verification (unknown CA, host name, expiry): the account halts. */
  CA_ERR_TLS: 'CA_ERR_TLS',
  /** The vendor did not answer in time (connect, headers or body timeout). */
  CA_ERR_TIMEOUT: 'CA_ERR_TIMEOUT',
  /** The connection was reset or closed before a complete answer arrived. */
  CA_ERR_RESET: 'CA_ERR_RESET',
  /** The call was cancelled by us (shutdown). */
  CA_ERR_ABORTED: 'CA_ERR_ABORTED',
  /** The vendor answered with a body we cannot read (HTML page, empty, cut off). */
  CA_ERR_RESPONSE: 'CA_ERR_RESPONSE',
  /** Redis could not be reached or is configured unsafely. */
  REDIS_ERR_UNAVAILABLE: 'REDIS_ERR_UNAVAILABLE',
  /** An item record in Redis cannot be read; the message names the job. */
  RECORD_ERR_CORRUPT: 'RECORD_ERR_CORRUPT',
  /** Report code: a replacement whose last call may have reached the vendor; never re-sent by itself. */
  REPLACE_UNCERTAIN: 'REPLACE_UNCERTAIN',
  /** Report code: a rehearsal of an operation the vendor cannot rehearse; validated, never sent. */
  REHEARSAL_NOT_SENT: 'REHEARSAL_NOT_SENT',
  /** Report code: BullMQ failed the job on its own (stalled too often, a crash in our code). */
  BULLMQ_FAILED: 'BULLMQ_FAILED',
  /** Report code: the job's data in Redis could not be read as a job. */
  INVALID_JOB: 'INVALID_JOB',
  /** Attempt code: a call whose answer never reached the record (the worker stopped mid-call). */
  WORKER_LOST: 'WORKER_LOST',
  /** Report code: DigiCert said yes without a request we can read, and its order is not revoked. */
  DIGICERT_UNCONFIRMED: 'DIGICERT_UNCONFIRMED',
  /** Report code: DigiCert refused to revoke a certificate whose reissue is pending. */
  DIGICERT_REISSUE_PENDING: 'DIGICERT_REISSUE_PENDING',
  /** Report code: Sectigo answered HTTP 429 (rate-limited; the account waits). */
  HTTP_429: 'http-429',
  /** Report code: an HTTP status with no readable vendor code (`http-503`, `http-404`, …). */
  HTTP_STATUS: 'http-<status>',
  /** Halt reason: only rate-limited answers for rateLimit.maxWaitMs (the vendor's quota may be spent). */
  RATE_LIMIT_EXHAUSTED: 'rate-limit-exhausted',
  /** HTTP API 400: the request cannot be read (malformed JSON, a bad query or path parameter); the message names it. */
  API_ERR_BAD_REQUEST: 'API_ERR_BAD_REQUEST',
  /** HTTP API 401: no bearer token (or session), or one that is not configured. */
  API_ERR_UNAUTHORIZED: 'API_ERR_UNAUTHORIZED',
  /** HTTP API 403: the token is valid but lacks the scope the route needs. */
  API_ERR_FORBIDDEN: 'API_ERR_FORBIDDEN',
  /** HTTP API 400: a token was sent in the URL, its query string or its path (it would end up in logs and proxies). */
  API_ERR_TOKEN_IN_URL: 'API_ERR_TOKEN_IN_URL',
  /** HTTP API 404: no such route, batch, item, dead-letter entry or account. */
  API_ERR_NOT_FOUND: 'API_ERR_NOT_FOUND',
  /** HTTP API 413: the body is larger than api.bodyLimitBytes (api.batchBodyLimitBytes for batches). */
  API_ERR_BODY_TOO_LARGE: 'API_ERR_BODY_TOO_LARGE',
  /** HTTP API 415: the Content-Type is not one the route reads. */
  API_ERR_UNSUPPORTED_MEDIA_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** HTTP API 409: a request with this Idempotency-Key is still being handled. */
  API_ERR_IDEMPOTENCY_IN_FLIGHT: 'API_ERR_IDEMPOTENCY_IN_FLIGHT',
  /** HTTP API 422: this Idempotency-Key was used for a different item. */
  API_ERR_IDEMPOTENCY_KEY_REUSED: 'API_ERR_IDEMPOTENCY_KEY_REUSED',
  /** HTTP API 500: an error of ours; the log has it under the request id the answer names. */
  API_ERR_INTERNAL: 'API_ERR_INTERNAL',
  /** A webhook delivery got no 2xx (another status, no answer in time, refused); it is retried. */
  WEBHOOK_ERR_DELIVERY: 'WEBHOOK_ERR_DELIVERY',
  /** A schedule's source (input file or drop directory) cannot be read. */
  SCHEDULE_ERR_SOURCE: 'SCHEDULE_ERR_SOURCE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface RevokerErrorOptions {
  cause?: unknown;
  /** Structured details safe to log (never a secret). */
  details?: Record<string, unknown>;
}

export class RevokerError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: RevokerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RevokerError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isRevokerError(value: unknown, code?: ErrorCode): value is RevokerError {
  // Checks the name as well as the prototype: errors that crossed a process boundary lose it.
  const named = value instanceof RevokerError || (value instanceof Error && value.name === 'RevokerError');
  return named && (code === undefined || (value as RevokerError).code === code);
}

/** Turns any thrown value into an Error, so logs and records always have a message and a stack. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : `non-error thrown: ${safeString(value)}`, {
    cause: value,
  });
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
