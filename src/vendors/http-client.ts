/**
 * The HTTPS client every vendor adapter talks through: one undici Pool (keep-alive connections)
 * per account base URL, implementing the Transport contract (src/vendors/transport.ts).
 *
 * - https only, and TLS verification cannot be switched off: there is no option for it, and
 *   `rejectUnauthorized` is pinned so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off either.
 *   A private CA (the sandbox's) is trusted through `caFile` or NODE_EXTRA_CA_CERTS.
 * - `send()` never throws for network trouble: it returns a TransportFault (see network-fault.ts).
 * - No retries here: the queue owns retries, backoff and rate limits, and a second retry layer
 *   would multiply vendor calls behind its back.
 */

import { readFileSync } from 'node:fs';
import { createSecureContext, getCACertificates } from 'node:tls';
import { Pool } from 'undici';
import { RevokerError } from '../errors.ts';
import { classifyNetworkError, redactSecrets } from './network-fault.ts';
import type { Transport, TransportFault, TransportRequest, TransportResult } from './transport.ts';

export interface HttpClientOptions {
  /** The account's API root, https only: `https://secure.trust-provider.com/products/`, `https://www.digicert.com/services/v2`. */
  baseUrl: string;
  /**
   * How long to wait for the TCP and TLS handshake.
   * @defaultValue 10_000
   */
  connectTimeoutMs?: number;
  /**
   * How long to wait, once the request is written, for the response headers.
   * @defaultValue 30_000
   */
  headersTimeoutMs?: number;
  /**
   * The longest pause allowed between two chunks of the response body.
   * @defaultValue 30_000
   */
  bodyTimeoutMs?: number;
  /**
   * Keep-alive connections to the vendor at most; requests beyond it wait in the pool.
   * @defaultValue 10
   */
  maxConnections?: number;
  /**
   * A PEM file of CA certificates trusted in addition to Node's default roots (which include
   * NODE_EXTRA_CA_CERTS). Read once, at creation.
   */
  caFile?: string;
  /**
   * Response bodies are read up to this many bytes; the rest is dropped and the connection closed.
   * @defaultValue 1_048_576 (1 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Sent as `user-agent` unless the request sets its own.
   * @defaultValue `revoker`
   */
  userAgent?: string;
}

export const HTTP_CLIENT_DEFAULTS = Object.freeze({
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 10,
  maxResponseBytes: 1_048_576,
  userAgent: 'revoker',
});

/** Creates the client; invalid options throw RevokerError CONFIG_ERR_INVALID naming the field. */
export function createHttpClient(options: HttpClientOptions): Transport {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs);
  const headersTimeoutMs = positiveInteger('headersTimeoutMs', options.headersTimeoutMs);
  const bodyTimeoutMs = positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs);
  const maxConnections = positiveInteger('maxConnections', options.maxConnections);
  const maxResponseBytes = positiveInteger('maxResponseBytes', options.maxResponseBytes);
  const userAgent = options.userAgent ?? HTTP_CLIENT_DEFAULTS.userAgent;
  const basePath = baseUrl.pathname.replace(/\/+$/, '');

  const pool = new Pool(baseUrl.origin, {
    connections: maxConnections,
    connectTimeout: connectTimeoutMs,
    headersTimeout: headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
    // HTTP/1.1 only: the fault mapping and timeouts are proven over it, and the account's rate
    // limit, not connection reuse, bounds throughput.
    allowH2: false,
    connect: {
      // Pinned, not defaulted: Node would otherwise honour NODE_TLS_REJECT_UNAUTHORIZED=0.
      rejectUnauthorized: true,
      // One TLS context per account, built once: a `ca` list here would make undici build a new
      // context (parsing ~150 roots) for every connection, ~30 ms of CPU and ~1 MB each.
      ...(options.caFile === undefined
        ? {}
        : { secureContext: createSecureContext({ ca: trustedCas(options.caFile) }) }),
    },
  });

  let closing: Promise<void> | undefined;

  async function send(request: TransportRequest): Promise<TransportResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const secrets = [
      ...Object.values(request.headers),
      ...(request.body === undefined ? [] : [request.body]),
    ];

    if (request.signal?.aborted) {
      // Cancelled before we started: we know nothing was sent.
      return fault('CA_ERR_ABORTED', 'aborted before sending', false, elapsed());
    }

    const headers: Record<string, string> = { 'user-agent': userAgent };
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;

    try {
      const response = await pool.request({
        path: joinPath(basePath, request.path),
        method: request.method,
        headers,
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
      const body = await readCapped(response.body, maxResponseBytes);
      return {
        kind: 'response',
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body,
        latencyMs: elapsed(),
      };
    } catch (error) {
      const classified = classifyNetworkError(error, { aborted: request.signal?.aborted === true });
      return fault(
        classified.code,
        redactSecrets(classified.message, secrets),
        classified.mayHaveReachedVendor,
        elapsed(),
      );
    }
  }

  // Waits for calls in flight (abort them through their signals first); a second call shares the first.
  function close(): Promise<void> {
    closing ??= pool.close();
    return closing;
  }

  return { baseUrl, send, close };
}

/**
 * Joins a request path to the base URL's path with exactly one `/` between them, whether or not
 * the base ends with one: `/services/v2` + `order/1` → `/services/v2/order/1`,
 * `/products/` + `!AutoRevokeSSL` → `/products/!AutoRevokeSSL`.
 */
export function joinPath(basePath: string, path: string): string {
  return `${basePath.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function fault(
  code: TransportFault['code'],
  message: string,
  mayHaveReachedVendor: boolean,
  latencyMs: number,
): TransportFault {
  return { kind: 'fault', code, message, mayHaveReachedVendor, latencyMs };
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new RevokerError('CONFIG_ERR_INVALID', `baseUrl is not a URL: ${JSON.stringify(value)}`, { cause });
  }
  if (url.protocol !== 'https:') {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `baseUrl must be https: (got ${url.protocol} in ${url.origin})`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials belong in the account config, and a URL ends up in logs.
    throw new RevokerError('CONFIG_ERR_INVALID', 'baseUrl must not carry a user name or password');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RevokerError('CONFIG_ERR_INVALID', `baseUrl must not have a query or fragment (${url.origin})`);
  }
  return url;
}

function positiveInteger(field: keyof typeof HTTP_CLIENT_DEFAULTS, value: number | undefined): number {
  if (value === undefined) return HTTP_CLIENT_DEFAULTS[field] as number;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `${field} must be a positive integer (got ${String(value)})`,
    );
  }
  return value;
}

/** Node's default roots (bundled, plus system and NODE_EXTRA_CA_CERTS when enabled) plus the file's. */
function trustedCas(caFile: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (cause) {
    throw new RevokerError('CONFIG_ERR_INVALID', `caFile cannot be read: ${caFile}`, { cause });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new RevokerError('CONFIG_ERR_INVALID', `caFile holds no PEM certificate: ${caFile}`);
  }
  // Passing `ca` replaces Node's default store, so the defaults must be listed too.
  return [...getCACertificates('default'), pem];
}

/** Reads a body up to `maxBytes`, then stops reading (which destroys the stream and its socket). */
async function readCapped(body: AsyncIterable<Buffer | string>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (total + buffer.length >= maxBytes) {
      chunks.push(buffer.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    chunks.push(buffer);
    total += buffer.length;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
