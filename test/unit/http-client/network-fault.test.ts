import { describe, expect, it } from 'vitest';
import { classifyNetworkError, redactSecrets } from '../../../src/vendors/network-fault.ts';

function err(code: string, message = `boom ${code}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

describe('classifyNetworkError', () => {
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ERR_TLS_HANDSHAKE_TIMEOUT',
  ])('%s → CA_ERR_CONNECT, nothing sent', (code) => {
    expect(classifyNetworkError(err(code))).toMatchObject({
      code: 'CA_ERR_CONNECT',
      mayHaveReachedVendor: false,
    });
  });

  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ])('%s → CA_ERR_TLS (a configuration fault the account halts on), nothing sent', (code) => {
    expect(classifyNetworkError(err(code))).toMatchObject({
      code: 'CA_ERR_TLS',
      mayHaveReachedVendor: false,
    });
  });

  it('UND_ERR_CONNECT_TIMEOUT → CA_ERR_TIMEOUT, nothing sent', () => {
    expect(classifyNetworkError(err('UND_ERR_CONNECT_TIMEOUT'))).toMatchObject({
      code: 'CA_ERR_TIMEOUT',
      mayHaveReachedVendor: false,
    });
  });

  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])(
    '%s → CA_ERR_TIMEOUT, may have reached',
    (code) => {
      expect(classifyNetworkError(err(code))).toMatchObject({
        code: 'CA_ERR_TIMEOUT',
        mayHaveReachedVendor: true,
      });
    },
  );

  it('ETIMEDOUT is "nothing sent" only when raised by connect()', () => {
    expect(classifyNetworkError(err('ETIMEDOUT', 'connect ETIMEDOUT', { syscall: 'connect' }))).toMatchObject(
      {
        code: 'CA_ERR_TIMEOUT',
        mayHaveReachedVendor: false,
      },
    );
    expect(classifyNetworkError(err('ETIMEDOUT', 'read ETIMEDOUT', { syscall: 'read' }))).toMatchObject({
      code: 'CA_ERR_TIMEOUT',
      mayHaveReachedVendor: true,
    });
  });

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED'])(
    '%s → CA_ERR_RESET, may have reached',
    (code) => {
      expect(classifyNetworkError(err(code))).toMatchObject({
        code: 'CA_ERR_RESET',
        mayHaveReachedVendor: true,
      });
    },
  );

  it('abort (undici code, DOMException, or our signal fired with any reason) → CA_ERR_ABORTED', () => {
    expect(classifyNetworkError(err('UND_ERR_ABORTED'))).toMatchObject({ code: 'CA_ERR_ABORTED' });
    expect(classifyNetworkError(new DOMException('This operation was aborted', 'AbortError'))).toMatchObject({
      code: 'CA_ERR_ABORTED',
      mayHaveReachedVendor: true,
    });
    expect(classifyNetworkError('shutdown', { aborted: true })).toMatchObject({ code: 'CA_ERR_ABORTED' });
    // The signal wins even when the reason looks like another fault.
    expect(classifyNetworkError(err('ECONNREFUSED'), { aborted: true }).code).toBe('CA_ERR_ABORTED');
  });

  it('unknown errors and non-errors are a reset that may have reached the vendor', () => {
    for (const thrown of [
      err('HPE_INVALID_CONSTANT'),
      new Error('weird'),
      42,
      undefined,
      null,
      { code: 7 },
    ]) {
      expect(classifyNetworkError(thrown)).toMatchObject({
        code: 'CA_ERR_RESET',
        mayHaveReachedVendor: true,
      });
    }
  });

  it('looks through AggregateError and cause for the code', () => {
    const aggregate = new AggregateError([err('ECONNREFUSED', 'connect ECONNREFUSED ::1:443')], '');
    const outcome = classifyNetworkError(aggregate);
    expect(outcome).toMatchObject({ code: 'CA_ERR_CONNECT', mayHaveReachedVendor: false });
    expect(outcome.message).toContain('ECONNREFUSED ::1:443');
    const wrapped = new Error('fetch failed', { cause: err('ENOTFOUND') });
    expect(classifyNetworkError(wrapped)).toMatchObject({ code: 'CA_ERR_CONNECT' });
  });

  it('keeps the message short, on one line, and names the code', () => {
    const outcome = classifyNetworkError(err('ECONNRESET', `socket hang up\n${'x'.repeat(1000)}`));
    expect(outcome.message.startsWith('ECONNRESET: socket hang up x')).toBe(true);
    expect(outcome.message.length).toBeLessThanOrEqual(320);
    expect(outcome.message).not.toContain('\n');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret, longest first', () => {
    const key = 'ABCDEF123456';
    expect(redactSecrets(`bad header ${key} and ${key}1`, [key, `${key}1`])).toBe(
      'bad header [redacted] and [redacted]',
    );
  });

  it('ignores values too short to be secrets', () => {
    expect(redactSecrets('PUT 1 json', ['PUT', '1', ''])).toBe('PUT 1 json');
  });
});
