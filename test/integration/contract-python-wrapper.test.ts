/**
 * Contract: an independent public client of the Partner API still interoperates with the
 * sandbox on every `!AutoRevokeSSL` request it can make (issue 7 §4). Each request is
 * replayed exactly as that client put it on the wire, through undici (no revoker client code),
 * and must get the answer AutoRevokeSSL v1.07 documents (/work/shared/vendor-docs/).
 *
 * The client: tapioca-sectigo-ssl (PyPI `tapioca-sectigo_api_ssl` 0.4), a Python wrapper of
 * the Partner API, https://github.com/siteblindado/tapioca-sectigo-ssl at commit
 * 7bf858a9c0a2e0ec88dc288139afb15abad80ab9:
 *   - tapioca_sectigo_api_ssl/resource_mapping.py maps 'auto_revoke_ssl' to
 *     '/products/!AutoRevokeSSL' (methods ['POST']);
 *   - tapioca_sectigo_api_ssl/tapioca_sectigo_api_ssl.py: FormAdapterMixin + TapiocaAdapter,
 *     api_root 'https://secure.trust-provider.com', get_request_kwargs adds nothing.
 * It runs on tapioca-wrapper (its setup.py: `tapioca-wrapper<2`, so 1.5.1,
 * https://github.com/vintasoftware/tapioca-wrapper tag 1.5.1, 04071005dfe7e670e6288dc2b66d37ed724193ef)
 * and requests. Its whole AutoRevokeSSL surface is `api.auto_revoke_ssl().<verb>(**kwargs)`:
 * tapioca joins api_root and the resource, passes `data` through its SimpleSerializer
 * (unchanged for str/int) and every other keyword straight to requests. The wrapper adds,
 * renames, checks or orders no parameter: the caller's dict goes out as given.
 *
 * What it sends (read from that code, then recorded on the wire by running it, from /tmp,
 * against `revoker sandbox` with http.client's send() logged; Python 3.11, requests 2.34.2):
 *   - `.post(data={...})`: POST /products/!AutoRevokeSSL ('!' not percent-encoded),
 *     Content-Type: application/x-www-form-urlencoded (no charset), the parameters in the
 *     form body only, in the dict's order and spelling (loginName, loginPassword, orderNumber,
 *     certificateID, serialNumber, saspSessionID, revocationReason, test, responseFormat as the
 *     caller spells them), encoded like urllib's quote_plus over UTF-8 (' ' → '+', '!' → %21,
 *     'é' → %C3%A9), ints as decimal text;
 *   - `.post(params={...})`: the same parameters in the query string, no Content-Type,
 *     Content-Length: 0;
 *   - `.post()`: no parameters at all;
 *   - `.get(params={...})`: a GET (the mapping lists only POST; tapioca does not enforce it).
 *   Every request also carries User-Agent: python-requests/2.34.2, Accept-Encoding: gzip,
 *   deflate, Accept: any type (star-slash-star), Connection: keep-alive. The answer reaches
 *   the caller as raw text ({'text': response.text}); an HTTP 4xx/5xx would raise instead.
 * Not replayed: `.post(json={...})` (requests' json= also passes through; the form adapter
 * never builds it and the vendor documents no JSON body; the sandbox answered it -3 loginName).
 * Commits before b2683f5 (Aug 2019) used tapioca's JSON adapter; the commit above is its last.
 * By hand every request below got the answer asserted here; none needed a sandbox change.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_PATHS, SECTIGO_ENDPOINTS } from '../../src/sandbox/sectigo/router.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';

/** The wrapper's api_root and resource, as its source spells them. */
const WRAPPER_API_ROOT = 'https://secure.trust-provider.com';
const WRAPPER_RESOURCE = '/products/!AutoRevokeSSL';

/** The headers requests 2.34.2 put on every call, in order, as recorded. */
const PYTHON_REQUESTS_HEADERS: Record<string, string> = {
  'User-Agent': 'python-requests/2.34.2',
  'Accept-Encoding': 'gzip, deflate',
  Accept: '*/*',
  Connection: 'keep-alive',
};

/** One request as the wrapper sent it: request line, the two varying headers, the body. */
interface Recorded {
  method: 'POST' | 'GET';
  /** Path and query, verbatim from the request line. */
  target: string;
  /** Content-Length as sent (absent on the GET). */
  contentLength?: number;
  /** Content-Type as sent (absent without a form body). */
  contentType?: 'application/x-www-form-urlencoded';
  body: string;
}

const SSL = '/products/!AutoRevokeSSL';
const FORM = 'application/x-www-form-urlencoded';
const LOGIN = 'loginName=revoker-demo&loginPassword=sandbox-sectigo-password';

/** The wrapper's requests, verbatim from the wire record (Host aside: the sandbox's own). */
const RECORDED = {
  // api.auto_revoke_ssl().post(data={**login, 'orderNumber': 3101, 'revocationReason': 'Key compromise'})
  byOrderNumber: {
    method: 'POST',
    target: SSL,
    contentLength: 110,
    contentType: FORM,
    body: `${LOGIN}&orderNumber=3101&revocationReason=Key+compromise`,
  },
  // .post(data={**login, 'certificateID': 5003102, 'revocationReason': 'superseded', 'responseFormat': 1})
  byCertificateIdFormat1: {
    method: 'POST',
    target: SSL,
    contentLength: 128,
    contentType: FORM,
    body: `${LOGIN}&certificateID=5003102&revocationReason=superseded&responseFormat=1`,
  },
  // .post(data={**login, 'serialNumber': '0A1B2C3D4E5F', 'revocationReason': 'testing', 'test': 'Y'})
  bySerialTestY: {
    method: 'POST',
    target: SSL,
    contentLength: 119,
    contentType: FORM,
    body: `${LOGIN}&serialNumber=0A1B2C3D4E5F&revocationReason=testing&test=Y`,
  },
  // .post(data={..., 'revocationReason': 'clé compromise & more = 100% !', 'test': 'y'})
  bySerialTestLowerY: {
    method: 'POST',
    target: SSL,
    contentLength: 155,
    contentType: FORM,
    body: `${LOGIN}&serialNumber=0A1B2C3D4E5F&revocationReason=cl%C3%A9+compromise+%26+more+%3D+100%25+%21&test=y`,
  },
  // the same without 'test'
  bySerial: {
    method: 'POST',
    target: SSL,
    contentLength: 148,
    contentType: FORM,
    body: `${LOGIN}&serialNumber=0A1B2C3D4E5F&revocationReason=cl%C3%A9+compromise+%26+more+%3D+100%25+%21`,
  },
  // .post(params={**login, 'orderNumber': 3104, 'revocationReason': 'query string'})
  inQueryString: {
    method: 'POST',
    target: `${SSL}?${LOGIN}&orderNumber=3104&revocationReason=query+string`,
    contentLength: 0,
    body: '',
  },
  // .post(data={'saspSessionID': 'SASP0000DEMO0001', 'orderNumber': 3105, 'revocationReason': 'sasp', 'responseFormat': 1})
  saspSession: {
    method: 'POST',
    target: SSL,
    contentLength: 86,
    contentType: FORM,
    body: 'saspSessionID=SASP0000DEMO0001&orderNumber=3105&revocationReason=sasp&responseFormat=1',
  },
  // .post(data={**login, 'orderNumber': 3106})
  beingIssuedNoReason: {
    method: 'POST',
    target: SSL,
    contentLength: 78,
    contentType: FORM,
    body: `${LOGIN}&orderNumber=3106`,
  },
  // .post(data={**login, 'orderNumber': 3106, 'revocationReason': 'still issuing'})
  beingIssued: {
    method: 'POST',
    target: SSL,
    contentLength: 109,
    contentType: FORM,
    body: `${LOGIN}&orderNumber=3106&revocationReason=still+issuing`,
  },
  // .post(data={**login, 'orderNumber': 3107, 'revocationReason': 'never issued'})
  notIssued: {
    method: 'POST',
    target: SSL,
    contentLength: 108,
    contentType: FORM,
    body: `${LOGIN}&orderNumber=3107&revocationReason=never+issued`,
  },
  // .get(params={**login, 'orderNumber': 3108, 'revocationReason': 'get'})
  get: {
    method: 'GET',
    target: `${SSL}?${LOGIN}&orderNumber=3108&revocationReason=get`,
    body: '',
  },
  // .post()
  empty: { method: 'POST', target: SSL, contentLength: 0, body: '' },
} as const satisfies Record<string, Recorded>;

/** An order of the default demo login, the one the wrapper was run with. */
const demo = (order: Omit<SeedOrderInput, 'vendor' | 'account'>): SeedOrderInput => ({
  vendor: 'sectigo',
  account: 'revoker-demo',
  ...order,
});

const ORDERS: SeedOrderInput[] = [
  demo({ orderNumber: '3101', state: 'issued' }),
  demo({ orderNumber: '3102', state: 'issued', certificateID: '5003102' }),
  demo({ orderNumber: '3103', state: 'issued', serialNumber: '0A1B2C3D4E5F' }),
  demo({ orderNumber: '3104', state: 'issued' }),
  demo({ orderNumber: '3105', state: 'issued' }),
  demo({ orderNumber: '3106', state: 'being-issued', issuingCalls: 2 }),
  demo({ orderNumber: '3107', state: 'pending' }),
  demo({ orderNumber: '3108', state: 'issued' }),
];

let sandbox: Sandbox;
let agent: Agent;

beforeAll(async () => {
  // The default accounts (revoker-demo, its SASP session SASP0000DEMO0001), with room for
  // every call of this file: the demo limit (5/s) is not what is under test here.
  sandbox = await startSandbox({
    seedData: { orders: ORDERS },
    rateLimits: [{ max: 10_000, durationMs: 1000 }],
  });
  agent = new Agent({ connect: { ca: sandbox.caPem } });
});
afterAll(async () => {
  await agent?.destroy();
  await sandbox?.close();
});

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** Sends a recorded request as it was sent: method, target, headers in order, body bytes. */
async function replay(recorded: Recorded): Promise<Answer> {
  const headers: Record<string, string> = { ...PYTHON_REQUESTS_HEADERS };
  if (recorded.contentLength !== undefined) {
    // A transcription slip in RECORDED fails here rather than sending something else.
    expect(Buffer.byteLength(recorded.body, 'utf8')).toBe(recorded.contentLength);
    headers['Content-Length'] = String(recorded.contentLength);
  }
  if (recorded.contentType) headers['Content-Type'] = recorded.contentType;
  const res = await request(`${sandbox.url}${recorded.target}`, {
    dispatcher: agent,
    method: recorded.method,
    headers,
    ...(recorded.method === 'POST' ? { body: recorded.body } : {}),
  });
  const body = await res.body.text();
  const type = res.headers['content-type'];
  return { status: res.statusCode, type: Array.isArray(type) ? type[0] : type, body };
}

/** A responseFormat=0 answer (the default): HTTP 200, text/plain, code then message lines. */
async function lines(recorded: Recorded): Promise<string[]> {
  const answer = await replay(recorded);
  expect([answer.status, answer.type]).toEqual([200, 'text/plain']);
  return answer.body.split('\n').filter((line) => line !== '');
}

/** A responseFormat=1 answer: HTTP 200, application/x-www-form-urlencoded fields. */
async function fields(recorded: Recorded): Promise<Record<string, string>> {
  const answer = await replay(recorded);
  expect([answer.status, answer.type]).toEqual([200, FORM]);
  return Object.fromEntries(new URLSearchParams(answer.body));
}

const state = (orderNumber: string) => sandbox.state.find('sectigo', orderNumber)?.state;

describe('tapioca-sectigo-ssl: the path it builds', () => {
  it("api_root + 'auto_revoke_ssl' is a documented path the sandbox serves as AutoRevokeSSL", () => {
    // tapioca: api_root.rstrip('/') + '/' + resource.lstrip('/')
    const url = new URL(`${WRAPPER_API_ROOT.replace(/\/+$/, '')}/${WRAPPER_RESOURCE.replace(/^\/+/, '')}`);
    expect(url.pathname).toBe('/products/!AutoRevokeSSL');
    const endpoint = DOCUMENTED_PATHS.get(url.pathname);
    expect(endpoint?.name).toBe('AutoRevokeSSL');
    expect(SECTIGO_ENDPOINTS).toContain(endpoint);
    for (const recorded of Object.values(RECORDED)) {
      expect(new URL(recorded.target, url).pathname).toBe(url.pathname);
    }
  });
});

describe('tapioca-sectigo-ssl: every AutoRevokeSSL request it makes, replayed', () => {
  it('by orderNumber in a form body → 0 and revoked; the same again → -21', async () => {
    expect(await lines(RECORDED.byOrderNumber)).toEqual(['0']);
    expect(state('3101')).toBe('revoked');
    expect(await lines(RECORDED.byOrderNumber)).toEqual(['-21', 'The certificate has already been revoked!']);
  });

  it('by certificateID with responseFormat=1 → URL-encoded errorCode=0 and revoked; again → errorCode=-21 with its message', async () => {
    expect(await fields(RECORDED.byCertificateIdFormat1)).toEqual({ errorCode: '0' });
    expect(state('3102')).toBe('revoked');
    expect(await fields(RECORDED.byCertificateIdFormat1)).toEqual({
      errorCode: '-21',
      errorMessage: 'The certificate has already been revoked!',
    });
  });

  it('by serialNumber: test=Y and test=y (with a UTF-8 reason) → 0 and nothing revoked; without test → 0 and revoked', async () => {
    expect(await lines(RECORDED.bySerialTestY)).toEqual(['0']);
    expect(state('3103')).toBe('issued');
    expect(await lines(RECORDED.bySerialTestLowerY)).toEqual(['0']);
    expect(state('3103')).toBe('issued');
    expect(await lines(RECORDED.bySerial)).toEqual(['0']);
    expect(state('3103')).toBe('revoked');
  });

  it('the parameters in the query string of a POST with an empty body → 0 and revoked', async () => {
    expect(await lines(RECORDED.inQueryString)).toEqual(['0']);
    expect(state('3104')).toBe('revoked');
  });

  it('a SASP session id instead of the login, responseFormat=1 → errorCode=0 and revoked', async () => {
    expect(await fields(RECORDED.saspSession)).toEqual({ errorCode: '0' });
    expect(state('3105')).toBe('revoked');
  });

  it('an order being issued: without revocationReason → -23 (v1.00 compatibility), with one → -26; not revoked', async () => {
    expect(await lines(RECORDED.beingIssuedNoReason)).toEqual([
      '-23',
      'The certificate is currently being issued!',
    ]);
    expect(state('3106')).toBe('being-issued');
    expect(await lines(RECORDED.beingIssued)).toEqual(['-26', 'The certificate is currently being issued!']);
    expect(state('3106')).not.toBe('revoked');
  });

  it('an order not yet issued → 0 and rejected; again → -20', async () => {
    expect(await lines(RECORDED.notIssued)).toEqual(['0']);
    expect(state('3107')).toBe('rejected');
    expect(await lines(RECORDED.notIssued)).toEqual([
      '-20',
      'The certificate request has already been rejected!',
    ]);
  });

  it('a GET (the wrapper allows it) → -17 and nothing revoked', async () => {
    expect(await lines(RECORDED.get)).toEqual(['-17', 'Request used GET rather than POST!']);
    expect(state('3108')).toBe('issued');
  });

  it('a POST without parameters → -3 naming the missing argument', async () => {
    expect(await lines(RECORDED.empty)).toEqual(['-3', "The 'loginName' argument is missing!"]);
  });
});
