/**
 * Maps the errors undici and Node raise for network trouble to our transport fault codes.
 * Pure (no I/O), so every mapping is unit-tested without a socket.
 *
 * The one question that matters beyond the code: could the vendor have received the request?
 * `mayHaveReachedVendor` is false only for errors that can only happen before a byte of the
 * request was written (DNS, refused, TLS verification, connect timeout); every other error, and
 * every error we do not recognise, counts as "may have reached it" (the conservative side: the
 * queue then treats a later "already revoked" as our own earlier success).
 */

import type { NetworkFaultCode } from './transport.ts';

export interface NetworkFaultClass {
  code: NetworkFaultCode;
  mayHaveReachedVendor: boolean;
  /** A short, secret-free description: the error's code and message (never a header or body). */
  message: string;
}

export interface ClassifyContext {
  /** Our own AbortSignal fired: the error is whatever reason it carried, so the code cannot tell. */
  aborted?: boolean;
}

/** DNS and TCP connect failures: the connection never opened. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * Certificate verification failures (OpenSSL X509 verify codes as Node reports them, and Node's
 * own host name check): the handshake stopped before any HTTP was written.
 */
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Prefixes of codes that only a certificate check produces (CERT_HAS_EXPIRED, CERT_UNTRUSTED, …). */
const TLS_VERIFY_PREFIXES = ['CERT_', 'ERROR_IN_CERT_', 'CRL_', 'ERROR_IN_CRL_'] as const;

const RESET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

const ABORT_CODES: ReadonlySet<string> = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

/** Classifies a thrown value from a request. Never throws. */
export function classifyNetworkError(error: unknown, context: ClassifyContext = {}): NetworkFaultClass {
  const code = errorCode(error);
  const message = describe(error, code);

  if (context.aborted || ABORT_CODES.has(code) || errorName(error) === 'AbortError') {
    // The request may already have been written when we gave up on it.
    return { code: 'CA_ERR_ABORTED', mayHaveReachedVendor: true, message };
  }
  if (isTlsVerifyCode(code)) {
    // The vendor's certificate is not one we trust (unknown CA, wrong host name, expired), or the
    // port does not speak TLS: a configuration fault for every job of the account, not a blip.
    return { code: 'CA_ERR_TLS', mayHaveReachedVendor: false, message };
  }
  if (CONNECT_CODES.has(code) || code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
    return { code: 'CA_ERR_CONNECT', mayHaveReachedVendor: false, message };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    // A timeout, but of the TCP/TLS connect: nothing was sent.
    return { code: 'CA_ERR_TIMEOUT', mayHaveReachedVendor: false, message };
  }
  if (code === 'ETIMEDOUT') {
    // The kernel's ETIMEDOUT is a connect failure when raised by connect(), otherwise a dead peer.
    const duringConnect = errorSyscall(error) === 'connect';
    return { code: 'CA_ERR_TIMEOUT', mayHaveReachedVendor: !duringConnect, message };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { code: 'CA_ERR_TIMEOUT', mayHaveReachedVendor: true, message };
  }
  if (RESET_CODES.has(code)) {
    return { code: 'CA_ERR_RESET', mayHaveReachedVendor: true, message };
  }
  // Unknown (a parser error, an HTTP/2 stream reset, a new code): assume the request went out.
  return { code: 'CA_ERR_RESET', mayHaveReachedVendor: true, message };
}

function isTlsVerifyCode(code: string): boolean {
  return TLS_VERIFY_CODES.has(code) || TLS_VERIFY_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/**
 * The error's code; failing that, its cause's, or the first inner error's (net's happy-eyeballs
 * connect raises an AggregateError of one error per address).
 */
function errorCode(error: unknown, depth = 0): string {
  if (!isRecord(error) || depth > 3) return '';
  if (typeof error.code === 'string' && error.code !== '') return error.code;
  if (Array.isArray(error.errors) && error.errors.length > 0) {
    const inner = errorCode(error.errors[0], depth + 1);
    if (inner !== '') return inner;
  }
  return errorCode(error.cause, depth + 1);
}

function errorName(error: unknown): string {
  return isRecord(error) && typeof error.name === 'string' ? error.name : '';
}

function errorSyscall(error: unknown): string {
  return isRecord(error) && typeof error.syscall === 'string' ? error.syscall : '';
}

const MESSAGE_CHARS = 300;

function describe(error: unknown, code: string): string {
  let text: string;
  if (error instanceof Error) text = error.message;
  else if (typeof error === 'string') text = error;
  else text = 'non-error thrown';
  if (text === '' && isRecord(error) && Array.isArray(error.errors)) {
    // AggregateError carries its detail in the inner errors.
    text = error.errors.map((inner) => (inner instanceof Error ? inner.message : String(inner))).join('; ');
  }
  const oneLine = text.replace(/\s+/g, ' ').trim().slice(0, MESSAGE_CHARS);
  if (code === '') return oneLine || 'unknown network error';
  return oneLine.includes(code) ? oneLine : `${code}: ${oneLine}`;
}

/**
 * Replaces every occurrence of the given secrets (request header values, the request body) in a
 * message. Error texts from undici and Node do not quote them today; this keeps it so if one does.
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  // Longest first, so a secret that contains another is removed whole.
  const sorted = [...secrets].filter((s) => s.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('[redacted]');
  return out;
}

/** Shorter values (`PUT`, `1`, `json`) are not secrets, and replacing them would garble messages. */
const MIN_SECRET_CHARS = 6;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
