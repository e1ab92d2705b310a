/**
 * One call to the Sectigo Partner API: post a form, read the answer, and turn whatever happens
 * (network fault, HTTP 429, 5xx, unreadable body, a status code) into an Outcome. Never throws.
 *
 * Order of reading an answer:
 * 1. a transport fault → transient (outcomeFromFault);
 * 2. HTTP 429 → rate-limited, waiting for Retry-After when given, else the account's default;
 * 3. a readable status code, whatever the HTTP status → the code table (codes.ts) decides;
 * 4. no readable code: HTTP 5xx → transient `http-5xx`; a redirect, a 404 or a 4xx HTML page → the
 *    account halts (`http-<status>`: not the API's address); a 2xx → transient CA_ERR_RESPONSE that
 *    may have taken effect; any other 4xx → transient CA_ERR_RESPONSE that did not.
 *
 * The request is never echoed into an outcome, and every text taken from the answer is scrubbed of
 * the account's secrets: the password must not reach a record even if the vendor repeats it.
 */

import type { SectigoAccount } from '../operation.ts';
import {
  excerpt,
  makeOutcome,
  type Outcome,
  outcomeFromFault,
  outcomeFromUnreadableBody,
  parseRetryAfterMs,
} from '../outcome.ts';
import type { TransportResponse } from '../transport.ts';
import { classifySectigoCode } from './codes.ts';
import { secretsOf } from './credentials.ts';
import { parseSectigoResponse, type SectigoResponseFormat } from './response-parser.ts';

export const SECTIGO_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SectigoCall {
  /** `!AutoRevokeSSL` and friends, relative to the transport's base URL. */
  readonly path: string;
  readonly form: URLSearchParams;
  /** The format asked for; the parser tolerates the others. */
  readonly responseFormat: SectigoResponseFormat;
  /** AutoReplaceSMIME: a success carries the replacement's order number. */
  readonly readsNewOrderNumber?: boolean;
  readonly signal?: AbortSignal;
}

export async function callSectigo(account: SectigoAccount, call: SectigoCall): Promise<Outcome> {
  const result = await account.transport.send({
    method: 'POST',
    path: call.path,
    headers: { 'content-type': SECTIGO_FORM_CONTENT_TYPE },
    body: call.form.toString(),
    ...(call.signal === undefined ? {} : { signal: call.signal }),
  });
  if (result.kind === 'fault') return outcomeFromFault('sectigo', result);
  return outcomeFromSectigoResponse(account, result, call);
}

/** Pure: an HTTP answer from Sectigo → Outcome. */
export function outcomeFromSectigoResponse(
  account: SectigoAccount,
  response: TransportResponse,
  call: Pick<SectigoCall, 'responseFormat' | 'readsNewOrderNumber'>,
): Outcome {
  const scrub = scrubberFor(account.credentials);
  const { status, latencyMs } = response;
  const headerWaitMs = parseRetryAfterMs(response.headers['retry-after']);

  if (status === 429) {
    return makeOutcome({
      class: 'rate-limited',
      vendor: 'sectigo',
      code: 'http-429',
      message: 'HTTP 429 Too Many Requests',
      httpStatus: status,
      retryAfterMs: headerWaitMs ?? account.defaultRateLimitWaitMs,
      latencyMs,
    });
  }

  const answer = parseSectigoResponse(response.body, call.responseFormat);
  if (!answer.ok) {
    const body = scrub(response.body);
    if (status >= 500) {
      // A gateway or server error page: the vendor may have acted before it failed.
      return makeOutcome({
        class: 'transient',
        vendor: 'sectigo',
        code: `http-${status}`,
        message: `HTTP ${status} with no readable Sectigo code: ${answer.reason}`,
        httpStatus: status,
        mayHaveTakenEffect: true,
        rawExcerpt: excerpt(body),
        latencyMs,
      });
    }
    const notTheApi = notThePartnerApi(status, response.headers['content-type'], body);
    if (notTheApi) {
      // A redirect, a 404 or an HTML error page where the Partner API belongs: the base URL or the
      // path is wrong for every job of the account, so stop it instead of retrying each one.
      return makeOutcome({
        class: 'halt',
        vendor: 'sectigo',
        code: `http-${status}`,
        message: `${notTheApi}: the Partner API is not at this address; check the account's baseUrl`,
        httpStatus: status,
        mayHaveTakenEffect: false,
        rawExcerpt: excerpt(body),
        latencyMs,
      });
    }
    const unreadable = outcomeFromUnreadableBody('sectigo', status, body, latencyMs, answer.reason);
    // Only an answer that could have come from the API may mean it acted: a 2xx could, a 4xx not.
    return status >= 200 && status < 300 ? unreadable : { ...unreadable, mayHaveTakenEffect: false };
  }

  const classified = classifySectigoCode(answer.code, {
    rateLimitWaitMs: headerWaitMs ?? account.defaultRateLimitWaitMs,
  });
  const vendorText = [answer.message, answer.detail].filter((part) => part !== undefined).join(' — ');
  const learned = { ...classified.learned };
  let message = vendorText === '' ? classified.message : vendorText;
  // Keep the raw body wherever a person will need to see what the vendor actually said.
  let keepRaw = !classified.known;
  if (!classified.known && vendorText !== '') message = `${classified.message}: ${vendorText}`;

  if (classified.class === 'done' && call.readsNewOrderNumber) {
    if (answer.orderNumber === undefined) {
      message = `${message}; the answer carried no new order number`;
      keepRaw = true;
    } else {
      learned.newOrderNumber = answer.orderNumber;
      message = `${message}; new order number ${answer.orderNumber}`;
    }
  }

  return makeOutcome({
    class: classified.class,
    vendor: 'sectigo',
    code: String(answer.code),
    message: scrub(message),
    httpStatus: status,
    mayHaveTakenEffect: classified.mayHaveTakenEffect,
    learned,
    latencyMs,
    ...(classified.retryAfterMs === undefined ? {} : { retryAfterMs: classified.retryAfterMs }),
    ...(keepRaw ? { rawExcerpt: excerpt(scrub(response.body)) } : {}),
  });
}

/**
 * Why an answer with no readable code cannot have come from the Partner API, or undefined: a
 * redirect (the API never redirects), a 404 on a documented path, or a 4xx HTML page (a proxy's
 * or a web server's, in front of where the API should be).
 */
export function notThePartnerApi(
  status: number,
  contentType: string | undefined,
  body: string,
): string | undefined {
  if (status >= 300 && status < 400) return `HTTP ${status} redirect`;
  if (status === 404) return 'HTTP 404 Not Found';
  const html = /text\/html/i.test(contentType ?? '') || /^\s*<(!doctype|html)/i.test(body);
  if (status >= 400 && status < 500 && html) return `HTTP ${status} with an HTML page`;
  return undefined;
}

/** Replaces every occurrence of each secret (and its url-encoded forms) with a marker. */
// Built once per credentials object: every response is scrubbed, and building costs more than using.
const scrubbers = new WeakMap<object, (text: string) => string>();

function scrubberFor(credentials: SectigoAccount['credentials']): (text: string) => string {
  let scrub = scrubbers.get(credentials);
  if (!scrub) {
    scrub = scrubber(secretsOf(credentials));
    scrubbers.set(credentials, scrub);
  }
  return scrub;
}

function scrubber(secrets: readonly string[]): (text: string) => string {
  const encodings = (secret: string) => [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice('s='.length),
  ];
  const needles = [...new Set(secrets.flatMap(encodings))]
    .filter((needle) => needle !== '')
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => needles.reduce((scrubbed, needle) => scrubbed.replaceAll(needle, '[redacted]'), text);
}
