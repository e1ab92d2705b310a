/**
 * Tokens in URLs: found in a query string (by a credential's name or by value) and in a path
 * segment, and censored in the URL the request log writes.
 */
import { describe, expect, it } from 'vitest';
import type { TokenBook } from '../../../src/api/api-tokens.ts';
import { tokenInUrl } from '../../../src/api/auth.ts';
import { safeUrl } from '../../../src/api/request-log.ts';

const TOKEN = 'the-token-0123456789abcdef0123456789';
const book: TokenBook = {
  match: (presented) => (presented === TOKEN ? { name: 't', scopes: new Set(['read']) } : undefined),
};

describe('tokenInUrl', () => {
  it('finds a credential-named parameter, a token as any value, and a token as a path segment', () => {
    expect(tokenInUrl('/v1/accounts?access_token=x', book)).toBe('query parameter access_token');
    expect(tokenInUrl('/v1/accounts?API_KEY=x', book)).toBe('query parameter API_KEY');
    expect(tokenInUrl(`/v1/accounts?note=${TOKEN}`, book)).toBe('query parameter note');
    expect(tokenInUrl(`/v1/items/${TOKEN}`, book)).toBe('the path');
    expect(tokenInUrl(`/v1/items/${encodeURIComponent(TOKEN)}?format=csv`, book)).toBe('the path');
  });

  it('lets ordinary URLs through', () => {
    for (const url of [
      '/v1/accounts',
      '/v1/dead-letter?limit=5&offset=10',
      '/v1/batches/b-1/report?format=csv',
      '/docs/',
    ]) {
      expect(tokenInUrl(url, book), url).toBeUndefined();
    }
  });
});

describe('safeUrl (the request log)', () => {
  it('censors tokens and credential-named parameters, and keeps the rest as it was', () => {
    expect(safeUrl(`/v1/items/${TOKEN}?format=csv&token=abc&x=${TOKEN}`, book)).toBe(
      '/v1/items/[redacted]?format=csv&token=%5Bredacted%5D&x=%5Bredacted%5D',
    );
    expect(safeUrl('/v1/dead-letter?limit=5', book)).toBe('/v1/dead-letter?limit=5');
    expect(safeUrl('/livez', book)).toBe('/livez');
  });
});
