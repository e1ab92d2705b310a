/**
 * The API's tokens: resolved once at start-up from their secret references (src/secrets.ts), kept
 * in memory only, and compared in constant time. A token is never logged, stored in Redis, put in
 * a cookie or sent back; callers are named in logs by the token's configured name.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ApiScope, RevokerConfig } from '../config.ts';
import { RevokerError } from '../errors.ts';
import { resolveSecret, type SecretDeps } from '../secrets.ts';

/** Who is calling: a configured token's name and what it may do. */
export interface ApiCaller {
  readonly name: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

export interface TokenBook {
  /** The caller a presented token belongs to, compared in constant time; undefined for none. */
  match(presented: string): ApiCaller | undefined;
}

/**
 * Shorter tokens are refused at start-up: a token is all that stands between the network and
 * revoking a fleet's certificates. 32 characters of base64 are 192 bits.
 */
export const MIN_TOKEN_LENGTH = 32;

const EXAMPLE_TOKEN_CONFIG =
  '"api": { "tokens": [ { "name": "pipeline", "token": { "env": "REVOKER_API_TOKEN" }, "scopes": ["submit", "read"] } ] }';

/**
 * Resolves every token of `api.tokens`, reporting every problem at once: none configured, a
 * reference that does not resolve, a token that is too short, one token under two names.
 */
export async function resolveApiTokens(api: RevokerConfig['api'], deps: SecretDeps): Promise<TokenBook> {
  if (api.tokens.length === 0) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `api.tokens: revoker serve needs at least one API token, and the config names none. Add one, e.g.\n  ${EXAMPLE_TOKEN_CONFIG}\n` +
        'and set REVOKER_API_TOKEN to a long random value (openssl rand -base64 32)',
      { details: { field: 'api.tokens' } },
    );
  }
  const problems: string[] = [];
  const entries: { name: string; token: Buffer; scopes: ReadonlySet<ApiScope> }[] = [];
  for (const [i, configured] of api.tokens.entries()) {
    const field = `api.tokens[${i}].token`;
    let value: string;
    try {
      value = await resolveSecret(configured.token, deps, field);
    } catch (error) {
      if (!(error instanceof RevokerError)) throw error;
      problems.push(error.message);
      continue;
    }
    if (value.length < MIN_TOKEN_LENGTH) {
      problems.push(
        `${field} ("${configured.name}"): the token has ${value.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones (openssl rand -base64 32)`,
      );
      continue;
    }
    const token = Buffer.from(value, 'utf8');
    const twin = entries.find((e) => sameBytes(e.token, token));
    if (twin) {
      problems.push(
        `${field} ("${configured.name}"): the same token as "${twin.name}"; give each caller its own`,
      );
      continue;
    }
    entries.push({ name: configured.name, token, scopes: new Set(configured.scopes) });
  }
  if (problems.length > 0) {
    throw new RevokerError(
      'CONFIG_ERR_SECRET',
      problems.length === 1
        ? problems[0]!
        : `${problems.length} API tokens cannot be used:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      { details: { field: 'api.tokens' } },
    );
  }
  return tokenBook(entries);
}

function tokenBook(
  entries: readonly { name: string; token: Buffer; scopes: ReadonlySet<ApiScope> }[],
): TokenBook {
  // Each caller built once: a request gets the same frozen caller, not a new object.
  const callers = entries.map((entry) => ({
    token: entry.token,
    caller: Object.freeze({ name: entry.name, scopes: entry.scopes }) as ApiCaller,
  }));
  return {
    match(presented) {
      const given = Buffer.from(presented, 'utf8');
      let found: ApiCaller | undefined;
      // Every entry is compared, the match or not, each in time that depends on its own length only.
      for (const entry of callers) {
        if (sameBytes(entry.token, given) && found === undefined) found = entry.caller;
      }
      return found;
    },
  };
}

/**
 * Whether `given` is `token`, in time that depends only on the token's length: a presented value
 * of another length is answered no after comparing the token with itself. Not a hash of each
 * side (the way to compare values of different lengths): a SHA-256 per request cost ten times
 * this (bench e), and the token's length is no secret worth it (at least MIN_TOKEN_LENGTH random
 * characters).
 */
function sameBytes(token: Buffer, given: Buffer): boolean {
  if (given.length !== token.length) {
    timingSafeEqual(token, token);
    return false;
  }
  return timingSafeEqual(token, given);
}
