import { describe, expect, it } from 'vitest';
import { isRevokerError } from '../../../src/errors.ts';
import { createHttpClient, joinPath } from '../../../src/vendors/http-client.ts';

function configError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(isRevokerError(error, 'CONFIG_ERR_INVALID')).toBe(true);
    return error as Error;
  }
  throw new Error('expected a CONFIG_ERR_INVALID');
}

describe('createHttpClient options (no socket is opened: every case throws before the pool exists)', () => {
  it('refuses a non-https base URL, naming baseUrl', () => {
    expect(
      configError(() => createHttpClient({ baseUrl: 'http://example.test/services/v2' })).message,
    ).toMatch(/^baseUrl must be https:/);
    expect(configError(() => createHttpClient({ baseUrl: 'ftp://example.test/' })).message).toMatch(
      /baseUrl/,
    );
  });

  it('refuses a base URL that is not a URL, or that carries credentials or a query', () => {
    expect(configError(() => createHttpClient({ baseUrl: 'not a url' })).message).toMatch(/baseUrl/);
    const withPassword = configError(() =>
      createHttpClient({ baseUrl: 'https://user:hunter22@example.test/' }),
    );
    expect(withPassword.message).toMatch(/baseUrl/);
    expect(withPassword.message).not.toContain('hunter22');
    expect(configError(() => createHttpClient({ baseUrl: 'https://example.test/?x=1' })).message).toMatch(
      /baseUrl/,
    );
  });

  it.each([
    'connectTimeoutMs',
    'headersTimeoutMs',
    'bodyTimeoutMs',
    'maxConnections',
    'maxResponseBytes',
  ] as const)('refuses a non-positive or fractional %s, naming it', (field) => {
    for (const value of [0, -1, 1.5, Number.NaN]) {
      expect(
        configError(() => createHttpClient({ baseUrl: 'https://example.test/', [field]: value })).message,
      ).toMatch(new RegExp(`^${field} must be a positive integer`));
    }
  });

  it('refuses a caFile it cannot read, naming caFile', () => {
    expect(
      configError(() => createHttpClient({ baseUrl: 'https://example.test/', caFile: '/nonexistent/ca.pem' }))
        .message,
    ).toMatch(/^caFile cannot be read/);
  });
});

describe('joinPath', () => {
  it.each([
    ['/services/v2', 'order/certificate/5/revoke', '/services/v2/order/certificate/5/revoke'],
    ['/services/v2/', 'order/certificate/5/revoke', '/services/v2/order/certificate/5/revoke'],
    ['/products/', '!AutoRevokeSSL', '/products/!AutoRevokeSSL'],
    ['/products', '!AutoRevokeSSL', '/products/!AutoRevokeSSL'],
    ['/', 'request/7', '/request/7'],
    ['', 'request/7', '/request/7'],
    ['/services/v2', '/request/7', '/services/v2/request/7'],
  ])('%s + %s → %s', (base, path, expected) => {
    expect(joinPath(base, path)).toBe(expected);
  });
});
