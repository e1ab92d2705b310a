/**
 * DigiCert CertCentral error answers: the parser for `{"errors":[{"code","message"}]}` and the
 * one table that turns any non-success answer into an Outcome class. Every DigiCert endpoint
 * file hands its non-success responses here, so a code means the same thing everywhere.
 *
 * Codes may carry a `|detail` suffix (`not_found|order`, `access_denied|missing_permission`);
 * the table matches the full code first, then the part before `|`.
 *
 * | answer                                             | class        | why                                    |
 * |----------------------------------------------------|--------------|----------------------------------------|
 * | 429, or `request_limit_exceeded` on any status     | rate-limited | Retry-After, else the account default  |
 * | 401, `invalid_api_key`, `unauthorized`             | halt         | the key is wrong: every job would fail |
 * | `not_found\|route`, `bad_request_format`, 415       | halt         | our URL or body is wrong, not the job  |
 * | 5xx (with or without a readable body)              | transient    | may have taken effect                  |
 * | 403 `access_denied…`                               | permanent    | see below                              |
 * | 404 `not_found…`                                   | permanent    | the order does not exist for this key  |
 * | 400 / 409 / 422 (`invalid_*` and the rest)         | permanent    | the job's own data is refused          |
 * | any other 4xx                                      | permanent    | with the raw excerpt, for a person     |
 * | 1xx / 3xx (redirect)                               | halt         | we follow no redirects: the base URL   |
 * |                                                    |              | is wrong for every job                 |
 * | a 2xx the endpoint does not document               | transient    | CA_ERR_RESPONSE: it may have acted     |
 *
 * 403 is permanent for one job because DigiCert answers it for a key that lacks the permission
 * on *that* order (a division it cannot see) as well as for a key that lacks it everywhere. The
 * queue may escalate a run of 403s across jobs of one account to halt; this table cannot see runs.
 *
 * An error status whose body is not DigiCert's JSON is classified by its status alone: a 5xx
 * with a body (a proxy's HTML page) becomes `CA_ERR_RESPONSE` through outcomeFromUnreadableBody,
 * a 5xx with an empty body `http-<status>`, both transient and possibly taken effect; 401 and 429
 * keep their class; any other 4xx is permanent with code `http-<status>` and the excerpt, since
 * retrying a refused request does not make it acceptable.
 */

import { z } from 'zod';
import type { DigicertAccount } from '../operation.ts';
import {
  excerpt,
  makeOutcome,
  type Outcome,
  type OutcomeClass,
  outcomeFromUnreadableBody,
  parseRetryAfterMs,
} from '../outcome.ts';
import type { TransportResponse } from '../transport.ts';
import { parseJson, scrubKey } from './call.ts';

export interface DigicertApiError {
  /** The full code, detail included: `not_found|order`. */
  code: string;
  message: string;
}

const errorBodySchema = z.object({
  errors: z
    .array(
      z.object({
        code: z.string().min(1),
        message: z.string().optional(),
      }),
    )
    .min(1),
});

/** The errors in a DigiCert error body, or `undefined` when the body is not one. */
export function parseDigicertErrors(body: string): DigicertApiError[] | undefined {
  const parsed = errorBodySchema.safeParse(parseJson(body));
  if (!parsed.success) return undefined;
  return parsed.data.errors.map((e) => ({ code: e.code, message: e.message ?? '' }));
}

/** `not_found|order` → `not_found`. */
export function baseCode(code: string): string {
  const bar = code.indexOf('|');
  return bar === -1 ? code : code.slice(0, bar);
}

/** Codes whose class does not follow from the HTTP status: full codes first, then base codes. */
const CODE_CLASSES: Readonly<Record<string, OutcomeClass>> = {
  request_limit_exceeded: 'rate-limited',
  invalid_api_key: 'halt',
  unauthorized: 'halt',
  // The endpoint does not exist: our base URL or path is wrong, for every job alike.
  'not_found|route': 'halt',
  // DigiCert could not read our JSON: our request shape is wrong, not the job's data.
  bad_request_format: 'halt',
  invalid_json: 'halt',
  // The method is wrong for the path: our request, not the job.
  method_not_allowed: 'halt',
  // Our body is not declared as JSON: our request, not the job.
  unsupported_media_type: 'halt',
};

/**
 * DigiCert documents no "already revoked" answer, and a real one could be spelled many ways
 * (`already_revoked`, `invalid_order_status|revoked`, a 409 saying so). Any 4xx whose code or
 * message says the order is revoked already counts; the queue confirms it by reading the order
 * before it records a revoke on the strength of it.
 */
export function saysAlreadyRevoked(error: DigicertApiError): boolean {
  return (
    /(^|_)already_revoked\b|\|revoked$/i.test(error.code) ||
    /\b(already (been )?revoked|is revoked)\b/i.test(error.message)
  );
}

/**
 * A revoke refused because a revoke request for the order is waiting already (the docs are
 * silent on a second revoke; `duplicate_request` is the sandbox's guess). The queue then looks
 * for that request and follows it, so no request is left pending unfollowed.
 */
export function saysRequestPending(error: DigicertApiError): boolean {
  return (
    /duplicate_request|request_pending|pending_request/i.test(error.code) ||
    /\brequest\b[^.]*\b(already )?pending\b|\balready pending\b/i.test(error.message)
  );
}

/**
 * A certificate revoke refused because a reissue of the certificate is pending (DigiCert's
 * documents: "Certificates with a pending reissue order cannot be revoked"; the code is a guess).
 */
export function saysReissuePending(error: DigicertApiError): boolean {
  return /reissue/i.test(error.code) || /\breissue\b/i.test(error.message);
}

/** A refusal that names `revocation_reason`: its spelling may be the other one (vendor notes). */
export function refusesRevocationReason(error: DigicertApiError): boolean {
  return /revocation_reason/i.test(error.code) || /revocation_reason|revocation reason/i.test(error.message);
}

/** Statuses whose meaning DigiCert documents; any other 4xx keeps the raw excerpt. */
const KNOWN_CLIENT_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 415, 422, 429]);

/** Most severe first: when one answer carries several codes, the most severe class wins. */
const SEVERITY: readonly OutcomeClass[] = ['halt', 'rate-limited', 'transient', 'permanent', 'done'];

export type ErrorAccount = Pick<DigicertAccount, 'apiKey' | 'defaultRateLimitWaitMs'>;

/**
 * Classifies a response that is not the endpoint's success. `now` is for Retry-After dates.
 * The account's API key is scrubbed from every message and excerpt.
 */
export function classifyDigicertError(
  response: TransportResponse,
  account: ErrorAccount,
  now: number = Date.now(),
): Outcome {
  const { status, latencyMs } = response;
  const scrub = (text: string): string => scrubKey(account, text);
  const errors = parseDigicertErrors(response.body);

  if (status >= 200 && status < 300) {
    // A success status the endpoint does not document: the vendor may have acted, so retry
    // (the ambiguity rule covers a later "already revoked") rather than call it done or dead.
    return outcomeFromUnreadableBody(
      'digicert',
      status,
      scrub(response.body),
      latencyMs,
      `undocumented success status ${status}`,
    );
  }
  if (errors === undefined && status >= 500 && response.body.trim() !== '') {
    // A page that is not DigiCert's JSON (a proxy's HTML): keep an excerpt for the record.
    return outcomeFromUnreadableBody(
      'digicert',
      status,
      scrub(response.body),
      latencyMs,
      'not a DigiCert errors list',
    );
  }

  // A 404 that names no order or request (a plain `not_found`, an HTML page): the path or base
  // URL is wrong for every job, not this job's order missing.
  const wrongPlace =
    status === 404 && !(errors ?? []).some((e) => e.code.includes('|') && e.code !== 'not_found|route');
  const cls = wrongPlace ? 'halt' : classOf(status, errors ?? []);
  const code = errors?.[0]?.code ?? `http-${status}`;
  const vendorText = errors?.map((e) => (e.message === '' ? e.code : `${e.code}: ${e.message}`)).join('; ');
  const message = scrub(
    `DigiCert answered HTTP ${status}${vendorText === undefined ? '' : ` (${vendorText})`}`,
  );
  const keepExcerpt = errors === undefined || !KNOWN_CLIENT_STATUSES.has(status);
  // Knowing "already revoked" lets the queue apply the ambiguity rule to DigiCert too; only a
  // refusal (4xx) can mean it.
  const refused = status >= 400 && status < 500 && cls === 'permanent';
  const alreadyRevoked = refused && (errors ?? []).some(saysAlreadyRevoked);
  const reissuePending = refused && !alreadyRevoked && (errors ?? []).some(saysReissuePending);
  const requestPending =
    refused && !alreadyRevoked && !reissuePending && (errors ?? []).some(saysRequestPending);
  const learned = {
    ...(alreadyRevoked ? { alreadyRevoked: true } : {}),
    ...(requestPending ? { requestPending: true } : {}),
    ...(reissuePending ? { reissuePending: true } : {}),
  };

  return makeOutcome({
    class: cls,
    vendor: 'digicert',
    code,
    message,
    httpStatus: status,
    latencyMs,
    // A 5xx may have been raised after the vendor acted; a 4xx, a halt or a limit refused the call.
    mayHaveTakenEffect: cls === 'transient',
    ...(Object.keys(learned).length > 0 ? { learned } : {}),
    ...(cls === 'rate-limited'
      ? {
          retryAfterMs:
            parseRetryAfterMs(response.headers['retry-after'], now) ?? account.defaultRateLimitWaitMs,
        }
      : {}),
    ...(keepExcerpt && response.body.trim() !== '' ? { rawExcerpt: excerpt(scrub(response.body)) } : {}),
  });
}

function classOf(status: number, errors: readonly DigicertApiError[]): OutcomeClass {
  const fromCodes = errors
    .map((e) => CODE_CLASSES[e.code] ?? CODE_CLASSES[baseCode(e.code)])
    .filter((c): c is OutcomeClass => c !== undefined);
  const fromStatus = classOfStatus(status);
  return mostSevere([...fromCodes, fromStatus]);
}

function classOfStatus(status: number): OutcomeClass {
  if (status === 429) return 'rate-limited';
  // 401: the key; 415: our body's declared type. Neither is about the job.
  if (status === 401 || status === 415) return 'halt';
  if (status >= 500) return 'transient';
  if (status >= 400) return 'permanent';
  return 'halt';
}

function mostSevere(classes: readonly OutcomeClass[]): OutcomeClass {
  for (const cls of SEVERITY) if (classes.includes(cls)) return cls;
  return 'permanent';
}
