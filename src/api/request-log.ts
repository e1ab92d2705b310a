/**
 * What the API's request log says about a request, and what it never says. fastify logs every
 * request ("incoming request") before any hook runs, so a token put where it does not belong (a
 * query string, a path segment) would reach the log before auth.ts refuses it: the URL is logged
 * with such values replaced. Headers are logged from a short list; `authorization` and `cookie`
 * are on it only to show they were sent: the logger's redaction (src/logger.ts) censors both.
 */
import type { FastifyRequest } from 'fastify';
import type { TokenBook } from './api-tokens.ts';
import { safeDecode, TOKEN_QUERY_NAMES } from './auth.ts';

const LOGGED_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'idempotency-key',
  'x-request-id',
  'x-forwarded-for',
  // Censored by the logger's redaction; logged so a reader sees whether one was sent.
  'authorization',
  'cookie',
] as const;

const CENSORED = '[redacted]';

export interface LoggedRequest {
  method: string;
  url: string;
  remoteAddress: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The `req` serializer of the API's logger. */
export function requestSerializer(tokens: TokenBook): (request: FastifyRequest) => LoggedRequest {
  return (request) => {
    const headers: LoggedRequest['headers'] = {};
    for (const name of LOGGED_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return { method: request.method, url: safeUrl(request.url, tokens), remoteAddress: request.ip, headers };
  };
}

/** The URL with every value that is (or is named like) a token replaced. */
export function safeUrl(url: string, tokens: TokenBook): string {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const safePath = path
    .split('/')
    .map((segment) => (segment !== '' && tokens.match(safeDecode(segment)) ? CENSORED : segment))
    .join('/');
  if (mark === -1) return safePath;
  const query = new URLSearchParams(url.slice(mark + 1));
  const safe = new URLSearchParams();
  for (const [name, value] of query) {
    const secret = TOKEN_QUERY_NAMES.has(name.toLowerCase()) || tokens.match(value) !== undefined;
    safe.append(name, secret ? CENSORED : value);
  }
  return `${safePath}?${safe.toString()}`;
}
