/**
 * Outcomes: the one type every vendor answer becomes, whatever the vendor or the fault.
 *
 * | class        | the worker                                                              |
 * |--------------|-------------------------------------------------------------------------|
 * | done         | completes the job and records the outcome                               |
 * | transient    | retries with backoff, up to the configured attempts                     |
 * | rate-limited | makes the account's whole queue wait `retryAfterMs`; not an attempt     |
 * | permanent    | dead-letters the job with its full record; never retried by itself      |
 * | halt         | pauses the account's queue and keeps the job: the fault is ours or the  |
 * |              | account's (credentials, permissions, our own request shape)             |
 *
 * Errors are values here: adapters return an Outcome, they do not throw.
 */

import type { TransportFault } from './transport.ts';

export const OUTCOME_CLASSES = ['done', 'transient', 'rate-limited', 'permanent', 'halt'] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

export const VENDORS = ['sectigo', 'digicert'] as const;
export type VendorName = (typeof VENDORS)[number];

export type DigicertRequestStatus = 'submitted' | 'pending' | 'approved' | 'rejected';

/** What a call taught us beyond its class. */
export interface Learned {
  /** AutoReplaceSMIME: the order number of the replacement. */
  newOrderNumber?: string;
  /** DigiCert: the revoke request created by the call. */
  requestId?: string;
  requestStatus?: DigicertRequestStatus;
  /** The vendor says the target was already revoked (Sectigo -21, DigiCert in any spelling). */
  alreadyRevoked?: boolean;
  /** DigiCert refused a revoke because a revoke request for the order is pending already. */
  requestPending?: boolean;
  /** DigiCert refused to revoke a certificate because a reissue of it is pending. */
  reissuePending?: boolean;
  /** DigiCert: a page of the pending request list had no request for the target; read from here. */
  nextOffset?: number;
  /** DigiCert: the target's status says revoked (read with order or certificate info). */
  targetRevoked?: boolean;
  /**
   * A halt that may concern only this target (Sectigo -16: wrong credentials, or no permission
   * for this order's context). After a resume the queue tells the two apart.
   */
  mayConcernOnlyThisTarget?: boolean;
  /** The vendor says the request was already rejected (Sectigo -20). */
  alreadyRejected?: boolean;
  /**
   * DigiCert said yes (a 2xx) without a request object we can read: not proof of a revoke. The
   * queue reads the order before it records anything.
   */
  unconfirmed?: boolean;
  /** DigiCert: the order's status, read with GET /order/certificate/{id}. */
  orderStatus?: string;
}

export interface Outcome {
  readonly class: OutcomeClass;
  readonly vendor: VendorName;
  /**
   * The vendor's own code as text (`0`, `-21`, `not_found|order`, `http-503`), or one of our
   * network codes (`CA_ERR_TIMEOUT`, `CA_ERR_RESET`, `CA_ERR_CONNECT`, `CA_ERR_ABORTED`, `CA_ERR_RESPONSE`).
   */
  readonly code: string;
  readonly message: string;
  readonly httpStatus?: number;
  /** rate-limited: how long the account must wait before its next call. */
  readonly retryAfterMs?: number;
  /**
   * True when the vendor may have carried the operation out although we did not see a success
   * (timeout or reset after sending, 5xx, unreadable body, Sectigo -14). The queue uses it for the
   * ambiguity rule: "already revoked" after such an attempt means our earlier attempt worked.
   */
  readonly mayHaveTakenEffect: boolean;
  readonly learned: Learned;
  /** A short excerpt of an unexpected raw body, kept for the record (never holds a credential). */
  readonly rawExcerpt?: string;
  readonly latencyMs: number;
}

export type OutcomeInit = Omit<Outcome, 'learned' | 'mayHaveTakenEffect'> &
  Partial<Pick<Outcome, 'learned' | 'mayHaveTakenEffect'>>;

export function makeOutcome(init: OutcomeInit): Outcome {
  return Object.freeze({ learned: {}, mayHaveTakenEffect: false, ...init });
}

/** A network fault is always transient; whether it may have taken effect comes from the transport. */
export function outcomeFromFault(vendor: VendorName, fault: TransportFault): Outcome {
  if (fault.code === 'CA_ERR_TLS') {
    // Retrying cannot fix a certificate we do not trust: stop the account and say why.
    return makeOutcome({
      class: 'halt',
      vendor,
      code: fault.code,
      message: `TLS verification of the vendor failed (${fault.message}): check the account's baseUrl and caFile`,
      mayHaveTakenEffect: false,
      latencyMs: fault.latencyMs,
    });
  }
  return makeOutcome({
    class: 'transient',
    vendor,
    code: fault.code,
    message: fault.message,
    mayHaveTakenEffect: fault.mayHaveReachedVendor,
    latencyMs: fault.latencyMs,
  });
}

/** A body with no code we can read is a transient fault, never a success. */
export function outcomeFromUnreadableBody(
  vendor: VendorName,
  httpStatus: number,
  body: string,
  latencyMs: number,
  why: string,
): Outcome {
  return makeOutcome({
    class: 'transient',
    vendor,
    code: 'CA_ERR_RESPONSE',
    message: `unreadable answer (HTTP ${httpStatus}): ${why}`,
    httpStatus,
    mayHaveTakenEffect: true,
    rawExcerpt: excerpt(body),
    latencyMs,
  });
}

const EXCERPT_CHARS = 200;

/** The first characters of a body, on one line, for records and logs. */
export function excerpt(body: string, maxChars = EXCERPT_CHARS): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxChars ? oneLine : `${oneLine.slice(0, maxChars)}…`;
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
