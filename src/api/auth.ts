/**
 * Who may call what: `Authorization: Bearer <token>` against the configured tokens (api-tokens.ts,
 * constant time), 401 without a token or with a wrong one, 403 for a token without the route's
 * scope (`submit` to post work, `read` to get, `admin` for replay, resume and acting on the board).
 *
 * A token in the URL (its query string, or a path segment) is refused on every route, before
 * anything else happens: URLs end up in access logs, proxies and browser history, and a route
 * that echoes an id ("no such item …") must never echo a token. (request-log.ts keeps it out of
 * our own request log, which is written before any hook runs.)
 */
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ApiScope } from '../config.ts';
import { ErrorCodes } from '../errors.ts';
import { type ApiCaller, MIN_TOKEN_LENGTH, type TokenBook } from './api-tokens.ts';
import { apiError, sendError } from './error-reply.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (null until a route's auth hook has run, or on public routes). */
    caller: ApiCaller | null;
  }
}

/** Query parameter names that carry credentials by convention (compared without case). */
export const TOKEN_QUERY_NAMES: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'accesstoken',
  'api_key',
  'apikey',
  'api-key',
  'auth',
  'authorization',
  'bearer',
  'jwt',
  'session',
  'password',
  'secret',
]);

export type Authentication =
  | { ok: true; caller: ApiCaller }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' };

/** The caller of a request's bearer token, if it has a good one. */
export function bearerCaller(request: FastifyRequest, tokens: TokenBook): Authentication {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match) return { ok: false, reason: 'malformed' };
  const caller = tokens.match(match[1]!);
  return caller ? { ok: true, caller } : { ok: false, reason: 'unknown' };
}

const UNAUTHORIZED_MESSAGES: Record<Exclude<Authentication, { ok: true }>['reason'], string> = {
  missing: 'send a configured API token: Authorization: Bearer <token>',
  malformed: 'the Authorization header must be "Bearer <token>"',
  unknown: 'the bearer token is not one of api.tokens',
};

export function sendUnauthorized(
  reply: FastifyReply,
  reason: Exclude<Authentication, { ok: true }>['reason'],
): FastifyReply {
  reply.log.warn({ reason, route: reply.request.routeOptions.url }, 'unauthenticated request refused');
  reply.header(
    'www-authenticate',
    reason === 'missing' ? 'Bearer realm="revoker"' : 'Bearer realm="revoker", error="invalid_token"',
  );
  return sendError(reply, apiError(ErrorCodes.API_ERR_UNAUTHORIZED, UNAUTHORIZED_MESSAGES[reason]));
}

export function sendForbidden(reply: FastifyReply, caller: ApiCaller, scope: ApiScope): FastifyReply {
  const route = `${reply.request.method} ${reply.request.routeOptions.url ?? reply.request.url.split('?')[0]}`;
  reply.log.warn({ caller: caller.name, scope, route }, 'request refused: scope missing');
  return sendError(
    reply,
    apiError(
      ErrorCodes.API_ERR_FORBIDDEN,
      `token "${caller.name}" lacks the "${scope}" scope that ${route} needs (its scopes: ${[...caller.scopes].join(', ')})`,
    ),
  );
}

/**
 * A route hook: the request needs a bearer token with `scope`. A callback hook, not an async one
 * (fastify waits on no promise per request); a refusal answers and does not call `done`.
 */
export function requireScope(tokens: TokenBook, scope: ApiScope): onRequestHookHandler {
  return (request, reply, done) => {
    const auth = bearerCaller(request, tokens);
    if (!auth.ok) {
      sendUnauthorized(reply, auth.reason);
      return;
    }
    if (!auth.caller.scopes.has(scope)) {
      sendForbidden(reply, auth.caller, scope);
      return;
    }
    request.caller = auth.caller;
    done();
  };
}

/**
 * Where a URL carries a token: a query parameter with a credential's name or a configured token as
 * its value (`query parameter NAME`), or a path segment that is a configured token (`the path`).
 */
export function tokenInUrl(url: string, tokens: TokenBook): string | undefined {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  for (const segment of path.split('/')) {
    if (mayBeToken(segment) && tokens.match(safeDecode(segment)) !== undefined) return 'the path';
  }
  if (mark === -1) return undefined;
  for (const [name, value] of new URLSearchParams(url.slice(mark + 1))) {
    if (
      TOKEN_QUERY_NAMES.has(name.toLowerCase()) ||
      (mayBeToken(value) && tokens.match(value) !== undefined)
    ) {
      return `query parameter ${name}`;
    }
  }
  return undefined;
}

/**
 * Whether a URL part is long enough to be a token: none is shorter than MIN_TOKEN_LENGTH (serve
 * refuses to start with one), so `v1` or `items` need no hashing on every request. (An escaped
 * part is longer than what it decodes to, never shorter.)
 */
export function mayBeToken(part: string): boolean {
  return part.length >= MIN_TOKEN_LENGTH;
}

/** The global hook (a callback one, as requireScope): a token in the URL is refused on every route, public ones too. */
export function refuseTokenInUrl(tokens: TokenBook): onRequestHookHandler {
  return (request, reply, done) => {
    const where = tokenInUrl(request.url, tokens);
    if (where === undefined) {
      done();
      return;
    }
    request.log.warn({ where }, 'token in URL refused');
    sendError(
      reply,
      apiError(
        ErrorCodes.API_ERR_TOKEN_IN_URL,
        `${where}: tokens are refused in URLs (they end up in logs, proxies and browser history); ` +
          'send Authorization: Bearer <token>, and treat this token as exposed',
      ),
    );
  };
}

export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
