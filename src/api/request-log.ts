/**
 * What the API's request log says about a request, and what it never says. Every request is
 * logged once, when answered ("request completed", server.ts), refused ones included, so a token
 * put where it does not belong (a query string, a path segment) would reach the log: the URL is
 * logged with such values replaced. Headers are logged from a short list; `authorization` and `cookie`
 * are on it only to show they were sent: the serializer censors both.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type Logger, SECRET_FIELD_NAMES } from '../logger.ts';
import type { TokenBook } from './api-tokens.ts';
import { mayBeToken, safeDecode, TOKEN_QUERY_NAMES } from './auth.ts';

/**
 * Where a secret can appear in what the API logs: the request headers its serializer keeps, and
 * the project's secret field names at the top of a log object. The project logger censors those
 * names at every depth to 3, a net that costs ~40 µs per two log lines here (measured with
 * pino 10: the `*.*.name` paths dominate) and catches nothing in this process: it resolves no
 * vendor credential, and requests reach the log only through the serializer below.
 */
export const API_REDACT_PATHS: readonly string[] = Object.freeze([
  // The request serializer censors the request's own headers (CENSORED_HEADERS): a nested path
  // here would make the logger copy every request line's req and headers to censor them again.
  ...SECRET_FIELD_NAMES.map((name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `["${name}"]`)),
  'credentials.*',
]);

/** The API's logger: the project's, with the request serializer and the API's own redaction. */
export function apiLogger(logger: Logger, tokens: TokenBook): Logger {
  return logger.child(
    {},
    {
      serializers: { req: requestSerializer(tokens) },
      redact: { paths: [...API_REDACT_PATHS], censor: '[redacted]' },
    },
  );
}

const LOGGED_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'idempotency-key',
  'x-request-id',
  'x-forwarded-for',
  // Censored (CENSORED_HEADERS); logged so a reader sees whether one was sent.
  'authorization',
  'cookie',
] as const;

const CENSORED = '[redacted]';
/** Request headers whose value is never logged, only that it was sent. */
const CENSORED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie']);

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
    // Read once: after a route's headers schema, fastify's request.headers merges the validated
    // headers into a new object on every read.
    const sent = request.raw?.headers ?? request.headers;
    for (const name of LOGGED_HEADERS) {
      const value = sent[name];
      if (value !== undefined) headers[name] = CENSORED_HEADERS.has(name) ? CENSORED : value;
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
    .map((segment) => (mayBeToken(segment) && tokens.match(safeDecode(segment)) ? CENSORED : segment))
    .join('/');
  if (mark === -1) return safePath;
  const query = new URLSearchParams(url.slice(mark + 1));
  const safe = new URLSearchParams();
  for (const [name, value] of query) {
    const secret =
      TOKEN_QUERY_NAMES.has(name.toLowerCase()) || (mayBeToken(value) && tokens.match(value) !== undefined);
    safe.append(name, secret ? CENSORED : value);
  }
  return `${safePath}?${safe.toString()}`;
}

/**
 * fastify's request log, one line per request instead of two: the request is logged with its
 * answer once answered ("request completed"; "request errored" at error level). The separate
 * "incoming request" line cost a tenth of the API's throughput (bench e) and said nothing the
 * second did not. Error and not-found lines stay fastify's own.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
