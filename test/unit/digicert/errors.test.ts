import { describe, expect, it } from 'vitest';
import {
  baseCode,
  classifyDigicertError,
  parseDigicertErrors,
} from '../../../src/vendors/digicert/errors.ts';
import { API_KEY, errorsBody, response } from './fake-transport.ts';

const acct = { apiKey: API_KEY, defaultRateLimitWaitMs: 5_000 };

describe('parseDigicertErrors', () => {
  it('reads every error with its full code', () => {
    expect(
      parseDigicertErrors(
        JSON.stringify({
          errors: [
            { code: 'not_found|order', message: 'The specified order was not found.' },
            { code: 'x', message: 'y' },
          ],
        }),
      ),
    ).toEqual([
      { code: 'not_found|order', message: 'The specified order was not found.' },
      { code: 'x', message: 'y' },
    ]);
  });

  it('accepts an error without a message', () => {
    expect(parseDigicertErrors('{"errors":[{"code":"invalid_api_key"}]}')).toEqual([
      { code: 'invalid_api_key', message: '' },
    ]);
  });

  it.each([
    '',
    '<html>502 Bad Gateway</html>',
    '{"errors":[]}',
    '{"errors":[{"message":"no code"}]}',
    '{"error":{"code":"x"}}',
    'null',
    '[1,2]',
  ])('returns undefined for %j', (body) => {
    expect(parseDigicertErrors(body)).toBeUndefined();
  });

  it('splits the detail off a code', () => {
    expect(baseCode('not_found|order')).toBe('not_found');
    expect(baseCode('access_denied|missing_permission')).toBe('access_denied');
    expect(baseCode('request_limit_exceeded')).toBe('request_limit_exceeded');
  });
});

describe('classifyDigicertError', () => {
  it('401 halts the account, whatever the body', () => {
    expect(classifyDigicertError(response(401, errorsBody('invalid_api_key')), acct)).toMatchObject({
      class: 'halt',
      vendor: 'digicert',
      code: 'invalid_api_key',
      httpStatus: 401,
      mayHaveTakenEffect: false,
      latencyMs: 12,
    });
    expect(classifyDigicertError(response(401, ''), acct)).toMatchObject({ class: 'halt', code: 'http-401' });
  });

  it('invalid_api_key and unauthorized halt even under another status', () => {
    expect(classifyDigicertError(response(400, errorsBody('invalid_api_key')), acct).class).toBe('halt');
    expect(classifyDigicertError(response(403, errorsBody('unauthorized')), acct).class).toBe('halt');
  });

  it('our own mistakes halt: an unknown route, a body DigiCert cannot read', () => {
    expect(classifyDigicertError(response(404, errorsBody('not_found|route')), acct).class).toBe('halt');
    expect(classifyDigicertError(response(400, errorsBody('bad_request_format')), acct).class).toBe('halt');
  });

  it('403 access_denied is permanent for the job', () => {
    expect(
      classifyDigicertError(
        response(403, errorsBody('access_denied|missing_permission', 'no permission')),
        acct,
      ),
    ).toMatchObject({ class: 'permanent', code: 'access_denied|missing_permission', httpStatus: 403 });
  });

  it('404 not_found|order is permanent and keeps the vendor message', () => {
    const outcome = classifyDigicertError(
      response(404, errorsBody('not_found|order', 'The specified order was not found.')),
      acct,
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: 'not_found|order', httpStatus: 404 });
    expect(outcome.message).toContain('The specified order was not found.');
    expect(outcome.rawExcerpt).toBeUndefined();
  });

  it.each([400, 409, 422])('%i invalid_* is permanent', (status) => {
    expect(classifyDigicertError(response(status, errorsBody('invalid_order_status')), acct)).toMatchObject({
      class: 'permanent',
      code: 'invalid_order_status',
    });
  });

  it('429 waits for Retry-After when given (seconds or a date)', () => {
    const seconds = classifyDigicertError(
      response(429, errorsBody('request_limit_exceeded'), { 'retry-after': '9' }),
      acct,
    );
    expect(seconds).toMatchObject({
      class: 'rate-limited',
      code: 'request_limit_exceeded',
      retryAfterMs: 9_000,
    });
    const now = Date.UTC(2025, 0, 1, 0, 0, 0);
    const date = classifyDigicertError(
      response(429, '', { 'retry-after': new Date(now + 4_000).toUTCString() }),
      acct,
      now,
    );
    expect(date).toMatchObject({ class: 'rate-limited', code: 'http-429', retryAfterMs: 4_000 });
  });

  it("429 without Retry-After waits the account's default", () => {
    expect(classifyDigicertError(response(429, errorsBody('request_limit_exceeded')), acct)).toMatchObject({
      class: 'rate-limited',
      retryAfterMs: 5_000,
      mayHaveTakenEffect: false,
    });
  });

  it('request_limit_exceeded under a 503 is still a rate limit, not a retry', () => {
    expect(classifyDigicertError(response(503, errorsBody('request_limit_exceeded')), acct)).toMatchObject({
      class: 'rate-limited',
      mayHaveTakenEffect: false,
    });
  });

  it('5xx is transient and may have taken effect', () => {
    expect(classifyDigicertError(response(500, errorsBody('internal_error')), acct)).toMatchObject({
      class: 'transient',
      code: 'internal_error',
      mayHaveTakenEffect: true,
    });
    expect(classifyDigicertError(response(503, ''), acct)).toMatchObject({
      class: 'transient',
      code: 'http-503',
      httpStatus: 503,
      mayHaveTakenEffect: true,
    });
  });

  it('5xx with a garbage body is an unreadable answer (transient, excerpt kept)', () => {
    const outcome = classifyDigicertError(response(502, '<html><h1>502 Bad Gateway</h1></html>'), acct);
    expect(outcome).toMatchObject({
      class: 'transient',
      code: 'CA_ERR_RESPONSE',
      httpStatus: 502,
      mayHaveTakenEffect: true,
    });
    expect(outcome.rawExcerpt).toContain('502 Bad Gateway');
  });

  it('4xx with a garbage body is permanent, with the excerpt', () => {
    const outcome = classifyDigicertError(response(400, '<html>Bad Request</html>'), acct);
    expect(outcome).toMatchObject({ class: 'permanent', code: 'http-400', mayHaveTakenEffect: false });
    expect(outcome.rawExcerpt).toBe('<html>Bad Request</html>');
  });

  it('an unknown 4xx is permanent with the raw excerpt', () => {
    const outcome = classifyDigicertError(response(418, errorsBody('teapot', 'short and stout')), acct);
    expect(outcome).toMatchObject({ class: 'permanent', code: 'teapot', httpStatus: 418 });
    expect(outcome.rawExcerpt).toContain('short and stout');
  });

  it('a redirect halts: we follow none, so the base URL is wrong for every job', () => {
    expect(classifyDigicertError(response(301, '', { location: 'https://elsewhere/' }), acct)).toMatchObject({
      class: 'halt',
      code: 'http-301',
    });
  });

  it('the most severe code wins when there are several', () => {
    const body = { errors: [{ code: 'not_found|order' }, { code: 'invalid_api_key' }] };
    expect(classifyDigicertError(response(404, body), acct)).toMatchObject({
      class: 'halt',
      code: 'not_found|order',
    });
  });

  it('never lets the API key into the message or the excerpt', () => {
    const echo = errorsBody('invalid_api_key', `The key ${API_KEY} is not valid`);
    const outcome = classifyDigicertError(response(418, echo), acct);
    expect(JSON.stringify(outcome)).not.toContain(API_KEY);
    expect(outcome.message).toContain('[redacted]');
    const page = classifyDigicertError(response(502, `<p>${API_KEY}</p>`), acct);
    expect(JSON.stringify(page)).not.toContain(API_KEY);
  });
});

describe('already revoked (guessed code)', () => {
  it('marks a 400 already_revoked as permanent and already revoked, for the ambiguity rule', () => {
    const outcome = classifyDigicertError(
      {
        kind: 'response',
        status: 400,
        headers: {},
        body: '{"errors":[{"code":"already_revoked","message":"Order is already revoked."}]}',
        latencyMs: 1,
      },
      { apiKey: 'k', defaultRateLimitWaitMs: 1000 },
    );
    expect(outcome).toMatchObject({
      class: 'permanent',
      code: 'already_revoked',
      learned: { alreadyRevoked: true },
    });
  });
});
