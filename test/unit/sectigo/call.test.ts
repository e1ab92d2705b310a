import { beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/vendors/outcome.ts';
import { callSectigo, outcomeFromSectigoResponse } from '../../../src/vendors/sectigo/call.ts';
import {
  replaceSmimeOperation,
  replaceSmimeParamsSchema,
} from '../../../src/vendors/sectigo/replace-smime.ts';
import {
  revokeCertificateOperation,
  revokeCertificateParamsSchema,
} from '../../../src/vendors/sectigo/revoke-certificate.ts';
import { revokePacOperation, revokePacParamsSchema } from '../../../src/vendors/sectigo/revoke-pac.ts';
import { revokeSslOperation, revokeSslParamsSchema } from '../../../src/vendors/sectigo/revoke-ssl.ts';
import type { TransportResponse } from '../../../src/vendors/transport.ts';
import { makeCsrFixtures } from './csr-fixtures.ts';
import {
  answer,
  type FakeTransport,
  fakeTransport,
  formAccount,
  PASSWORD,
  sectigoAccount,
} from './fake-transport.ts';

const account = formAccount({ defaultRateLimitWaitMs: 90_000 });

function read(response: TransportResponse, responseFormat: 0 | 1 | 2 = 1): Outcome {
  return outcomeFromSectigoResponse(account, response, { responseFormat });
}

/** Each endpoint, run once against a transport: the unreadable-body rules hold for all four. */
type Runner = (transport: FakeTransport) => Promise<Outcome>;
const runners: Array<[string, Runner]> = [];

beforeAll(async () => {
  const { csrPem } = await makeCsrFixtures();
  runners.push(
    [
      'revokeSSL',
      (t) => revokeSslOperation.execute(sectigoAccount(t), revokeSslParamsSchema.parse({ orderNumber: 1 })),
    ],
    [
      'revokeCertificate',
      (t) =>
        revokeCertificateOperation.execute(
          sectigoAccount(t),
          revokeCertificateParamsSchema.parse({ orderNumber: 1 }),
        ),
    ],
    [
      'revokePAC',
      (t) =>
        revokePacOperation.execute(
          sectigoAccount(t),
          revokePacParamsSchema.parse({ orderNumber: 1, revocationReason: 'x' }),
        ),
    ],
    [
      'replaceSMIME',
      (t) =>
        replaceSmimeOperation.execute(
          sectigoAccount(t),
          replaceSmimeParamsSchema.parse({ orderNumber: 1, csr: csrPem }),
        ),
    ],
  );
});

describe('unreadable bodies are transient CA_ERR_RESPONSE on every endpoint, never success', () => {
  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>'],
    ['an empty body', ''],
    ['truncated JSON', '{"errorCode":0,"orderNumber":"12'],
    ['a non-integer code', 'errorCode=abc'],
  ])('%s', async (_, body) => {
    expect(runners).toHaveLength(4);
    for (const [name, run] of runners) {
      const outcome = await run(fakeTransport(answer(body)));
      expect(outcome, name).toMatchObject({
        class: 'transient',
        code: 'CA_ERR_RESPONSE',
        httpStatus: 200,
        mayHaveTakenEffect: true,
      });
      expect(outcome.learned, name).toEqual({});
    }
  });
});

describe('outcomeFromSectigoResponse: HTTP status', () => {
  it('makes 429 rate-limited, honouring Retry-After', () => {
    const outcome = read(answer('Too Many Requests', { status: 429, headers: { 'retry-after': '30' } }));
    expect(outcome).toMatchObject({
      class: 'rate-limited',
      code: 'http-429',
      httpStatus: 429,
      retryAfterMs: 30_000,
    });
  });

  it("makes 429 without Retry-After wait the account's default", () => {
    expect(read(answer('', { status: 429 }))).toMatchObject({ class: 'rate-limited', retryAfterMs: 90_000 });
  });

  it('makes a 5xx page with no code transient and possibly carried out, keeping an excerpt', () => {
    const outcome = read(answer('<html><h1>503 Service Unavailable</h1></html>', { status: 503 }));
    expect(outcome).toMatchObject({
      class: 'transient',
      code: 'http-503',
      httpStatus: 503,
      mayHaveTakenEffect: true,
      rawExcerpt: '<html><h1>503 Service Unavailable</h1></html>',
    });
  });

  it('trusts a readable code over the HTTP status', () => {
    expect(
      read(answer('errorCode=-14&errorMessage=An+unknown+error+occurred%21', { status: 500 })),
    ).toMatchObject({
      class: 'transient',
      code: '-14',
      httpStatus: 500,
      mayHaveTakenEffect: true,
    });
  });

  it('halts on a 4xx HTML page, a 404 or a redirect: not the Partner API, for every job alike', () => {
    for (const [body, status] of [
      ['<html>Forbidden</html>', 403],
      ['Not Found', 404],
      ['', 302],
    ] as const) {
      expect(read(answer(body, { status }))).toMatchObject({
        class: 'halt',
        code: `http-${status}`,
        httpStatus: status,
        mayHaveTakenEffect: false,
        message: expect.stringMatching(
          /the Partner API is not at this address; check the account's baseUrl$/,
        ),
      });
    }
  });

  it('keeps another unreadable 4xx transient, and unlike a 2xx it did not take effect', () => {
    expect(read(answer('oops', { status: 400 }))).toMatchObject({
      class: 'transient',
      code: 'CA_ERR_RESPONSE',
      mayHaveTakenEffect: false,
    });
    expect(read(answer('oops', { status: 200 }))).toMatchObject({
      class: 'transient',
      code: 'CA_ERR_RESPONSE',
      mayHaveTakenEffect: true,
    });
  });
});

describe('outcomeFromSectigoResponse: codes', () => {
  it("makes -42 rate-limited for the account's default wait", () => {
    expect(read(answer('errorCode=-42&errorMessage=Call+limit+reached'))).toMatchObject({
      class: 'rate-limited',
      code: '-42',
      retryAfterMs: 90_000,
    });
  });

  it('lets a Retry-After header on -42 set the wait', () => {
    expect(read(answer('-42', { headers: { 'retry-after': '5' } }), 0)).toMatchObject({ retryAfterMs: 5000 });
  });

  it.each(['-1', '-2', '-15', '-16', '-17'])('halts the account on %s', (code) => {
    expect(read(answer(`${code}\nsomething about the account`), 0)).toMatchObject({ class: 'halt', code });
  });

  it('falls back to the documented message when the answer has none', () => {
    expect(read(answer('errorCode=-16'))).toMatchObject({ message: 'Permission denied!' });
  });

  it('keeps an unknown code permanent with the raw body for a person', () => {
    const outcome = read(answer('-99\nSomething new'), 0);
    expect(outcome).toMatchObject({ class: 'permanent', code: '-99', rawExcerpt: '-99 Something new' });
    expect(outcome.message).toBe('undocumented Sectigo status code -99: Something new');
  });

  it('never reads a new order number on the revoke endpoints', () => {
    expect(read(answer('0\n123'), 0).learned).toEqual({});
  });
});

describe('secrets never reach an outcome', () => {
  it('scrubs the password from a message the vendor echoes it in', () => {
    const body = `errorCode=-99&errorMessage=${encodeURIComponent(`bad password ${PASSWORD}`)}`;
    const outcome = read(answer(body));
    expect(outcome.message).toContain('[redacted]');
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
    expect(JSON.stringify(outcome)).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('scrubs the password from the excerpt of an unreadable page, in every encoding', () => {
    const formEncoded = new URLSearchParams({ p: PASSWORD }).toString().slice(2);
    const body = `<html>${PASSWORD} ${encodeURIComponent(PASSWORD)} ${formEncoded}</html>`;
    for (const status of [200, 502]) {
      const outcome = read(answer(body, { status }));
      expect(outcome.rawExcerpt).toBe('<html>[redacted] [redacted] [redacted]</html>');
    }
  });

  it('never echoes the request into the outcome', async () => {
    const transport = fakeTransport(answer('<html>oops</html>'));
    const form = new URLSearchParams({
      loginName: 'reseller-api',
      loginPassword: PASSWORD,
      orderNumber: '1',
    });
    const outcome = await callSectigo(sectigoAccount(transport), {
      path: '!AutoRevokeSSL',
      form,
      responseFormat: 1,
    });
    expect(transport.requests[0]?.body).toContain('loginPassword=');
    expect(JSON.stringify(outcome)).not.toMatch(/loginPassword|S3cr3t/);
  });
});
