/**
 * API tokens: resolved from their references with every problem reported at once (none
 * configured, unset, too short, one token under two names), matched to their caller, and never
 * named in an error.
 */
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_LENGTH, resolveApiTokens } from '../../../src/api/api-tokens.ts';
import { parseConfig } from '../../../src/config.ts';
import { isRevokerError, type RevokerError } from '../../../src/errors.ts';

const LONG_A = 'a'.repeat(MIN_TOKEN_LENGTH);
const LONG_B = 'b'.repeat(MIN_TOKEN_LENGTH + 8);

function apiOf(tokens: unknown[]) {
  return parseConfig({ api: { tokens } }, {}).api;
}

async function failure(promise: Promise<unknown>): Promise<RevokerError> {
  try {
    await promise;
  } catch (error) {
    if (isRevokerError(error)) return error;
    throw error;
  }
  throw new Error('expected a RevokerError');
}

describe('resolveApiTokens', () => {
  it('refuses a config with no token, saying what to add', async () => {
    const error = await failure(resolveApiTokens(apiOf([]), { env: {} }));
    expect(error.code).toBe('CONFIG_ERR_INVALID');
    expect(error.message).toContain('api.tokens: revoker serve needs at least one API token');
    expect(error.message).toContain('"scopes": ["submit", "read"]');
  });

  it('reports every token that cannot be used, naming the field and never the value', async () => {
    const short = 'short-but-secret';
    const error = await failure(
      resolveApiTokens(
        apiOf([
          { name: 'a', token: { env: 'A' }, scopes: ['read'] },
          { name: 'short', token: { env: 'SHORT' }, scopes: ['read'] },
          { name: 'unset', token: { env: 'UNSET' }, scopes: ['read'] },
          { name: 'twin', token: { env: 'TWIN' }, scopes: ['admin'] },
        ]),
        { env: { A: LONG_A, SHORT: short, TWIN: LONG_A } },
      ),
    );
    expect(error.code).toBe('CONFIG_ERR_SECRET');
    expect(error.message).toContain('3 API tokens cannot be used');
    expect(error.message).toContain(
      `api.tokens[1].token ("short"): the token has ${short.length} characters`,
    );
    expect(error.message).toContain('api.tokens[2].token: environment variable UNSET is not set');
    expect(error.message).toContain('api.tokens[3].token ("twin"): the same token as "a"');
    expect(error.message).not.toContain(short);
    expect(error.message).not.toContain(LONG_A);
  });

  it('matches a presented token to its caller and scopes, and nothing else', async () => {
    const book = await resolveApiTokens(
      apiOf([
        { name: 'pipeline', token: { env: 'A' }, scopes: ['submit'] },
        { name: 'ops', token: { file: '/run/secrets/ops' }, scopes: ['read', 'admin'] },
      ]),
      { env: { A: LONG_A }, readFile: async () => `${LONG_B}\n`, fileMode: async () => 0o600 },
    );
    expect(book.match(LONG_A)).toEqual({ name: 'pipeline', scopes: new Set(['submit']) });
    expect(book.match(LONG_B)?.name).toBe('ops');
    expect([...(book.match(LONG_B)?.scopes ?? [])]).toEqual(['read', 'admin']);
    // The same number of UTF-8 bytes as LONG_A, not the same bytes.
    const sameBytes = `é${LONG_A.slice(2)}`;
    for (const wrong of ['', LONG_A.slice(1), `${LONG_A} `, LONG_A.toUpperCase(), `${LONG_B}\n`, sameBytes]) {
      expect(book.match(wrong), JSON.stringify(wrong)).toBeUndefined();
    }
  });
});
