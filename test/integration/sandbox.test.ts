/**
 * The vendor sandbox over real HTTPS on 127.0.0.1, through undici with the sandbox's CA (no
 * revoker client code): every documented code from the request that should produce it, each
 * response format, the vendor-docs samples replayed, rate limits, DigiCert approval, faults
 * and the control endpoints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { generateSeed } from '../../src/sandbox/seed-generator.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';

const ROOMY = [{ max: 10_000, durationMs: 1000 }];

const ACCOUNTS = {
  sectigo: [
    { loginName: 'acme', loginPassword: 'secret', saspSessionIDs: ['SESSION0001'], rateLimits: ROOMY },
    { loginName: 'other', loginPassword: 'secret', rateLimits: ROOMY },
    { loginName: 'poor', loginPassword: 'secret', credit: false, rateLimits: ROOMY },
    { loginName: 'limited', loginPassword: 'secret', rateLimits: [{ max: 3, durationMs: 1000 }] },
  ],
  digicert: [
    { name: 'dc-admin', apiKey: 'admin-key', admin: true, rateLimits: ROOMY },
    { name: 'dc-user', apiKey: 'user-key', admin: false, rateLimits: ROOMY },
    {
      name: 'dc-limited',
      apiKey: 'limited-key',
      admin: true,
      rateLimits: [{ max: 2, durationMs: 60_000 }],
      retryAfter: 'window' as const,
    },
  ],
};

const s = (
  orderNumber: string,
  state: SeedOrderInput['state'],
  extra: Partial<SeedOrderInput> = {},
): SeedOrderInput => ({
  vendor: 'sectigo',
  account: 'acme',
  orderNumber,
  state,
  ...extra,
});
const d = (
  orderNumber: string,
  state: SeedOrderInput['state'],
  extra: Partial<SeedOrderInput> = {},
): SeedOrderInput => ({
  vendor: 'digicert',
  account: 'dc-admin',
  orderNumber,
  state,
  ...extra,
});

const ORDERS: SeedOrderInput[] = [
  s('1001', 'issued', { certificateID: '5001', serialNumber: '0ABCDEF0123' }),
  s('1002', 'pending'),
  s('1003', 'being-issued', { issuingCalls: 2 }),
  s('1004', 'revoked'),
  s('1005', 'rejected'),
  s('1006', 'not-revocable'),
  s('1007', 'expired'),
  s('1008', 'issued', { certificateID: '5008', serialNumber: 'FEED' }),
  s('1009', 'issued', { product: 'smime' }),
  s('1010', 'being-issued', { issuingCalls: 1 }),
  s('1011', 'issued', { faults: ['reset'] }),
  s('1012', 'issued', { faults: ['serverError'] }),
  s('1013', 'issued', { faults: ['garbage', 'garbage'] }),
  s('1014', 'issued', { faults: ['unknownError'] }),
  s('1015', 'issued', { faults: ['resetAfterEffect'] }),
  s('1016', 'issued', { faults: ['hang'] }),
  s('1017', 'issued'),
  s('1018', 'issued'),
  s('1019', 'issued'),
  s('1020', 'issued', { account: 'other' }),
  s('1021', 'issued', { account: 'poor' }),
  d('2001', 'issued'),
  d('2002', 'issued'),
  d('2003', 'issued'),
  d('2004', 'revoked'),
  d('2005', 'expired'),
  d('2006', 'issued', { account: 'dc-user' }),
  d('2007', 'issued', { faults: ['serverError', 'reset'] }),
  d('2008', 'issued', { account: 'dc-limited' }),
];

let sandbox: Sandbox | undefined;
let agent: Agent | undefined;
const extra: Sandbox[] = [];

async function start(
  options: SandboxOptions = { seedData: { accounts: ACCOUNTS, orders: ORDERS } },
): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  agent = new Agent({ connect: { ca: sandbox.caPem } });
  return sandbox;
}

afterEach(async () => {
  await agent?.destroy();
  await sandbox?.close();
  for (const other of extra.splice(0)) await other.close();
  agent = undefined;
  sandbox = undefined;
});

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

async function call(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; headersTimeout?: number } = {},
): Promise<Answer> {
  const res = await request(url, {
    dispatcher: agent,
    method: (init.method ?? 'GET') as 'GET',
    body: init.body,
    headers: init.headers,
    ...(init.headersTimeout ? { headersTimeout: init.headersTimeout } : {}),
  });
  const body = await res.body.text();
  const type = res.headers['content-type'];
  return { status: res.statusCode, type: Array.isArray(type) ? type[0] : type, body, headers: res.headers };
}

/** A Sectigo call: POST form to `/products/{path}`. */
function sectigo(
  path: string,
  params: Record<string, string>,
  init: { method?: string; base?: string } = {},
) {
  const base = init.base ?? sandbox!.sectigoBaseUrl;
  return call(`${base}${path}`, {
    method: init.method ?? 'POST',
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const ACME = { loginName: 'acme', loginPassword: 'secret' };
const ssl = (params: Record<string, string>) => sectigo('!AutoRevokeSSL', { ...ACME, ...params });

/** Code and message of a lines (format 0) answer. */
async function lines(answer: Promise<Answer>): Promise<string[]> {
  const a = await answer;
  expect(a.status).toBe(200);
  expect(a.type).toBe('text/plain');
  return a.body.split('\n').filter((l) => l !== '');
}

function digicert(path: string, init: { method?: string; key?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.key !== null) headers['x-dc-devkey'] = init.key ?? 'admin-key';
  return call(`${sandbox!.digicertBaseUrl}/${path}`, {
    method: init.method ?? 'PUT',
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
}

const errorsOf = (a: Answer) => JSON.parse(a.body).errors as { code: string; message: string }[];
const orderState = (vendor: 'sectigo' | 'digicert', n: string) => sandbox!.state.find(vendor, n)?.state;

describe('sandbox: start and control', () => {
  it('serves HTTPS on loopback with a fresh CA written to a file, removed on close when temporary', async () => {
    const sb = await start();
    expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.sectigoBaseUrl).toBe(`${sb.url}/products/`);
    expect(sb.digicertBaseUrl).toBe(`${sb.url}/services/v2`);
    expect(readFileSync(sb.caFile, 'utf8')).toBe(sb.caPem);
    expect(sb.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Without the CA, the TLS handshake fails: clients never turn verification off.
    await expect(request(`${sb.url}/_sandbox/stats`)).rejects.toThrow();
    await sb.close();
    expect(existsSync(sb.caFile)).toBe(false);
  });

  it('is valid for the extra names of tlsNames (how a container reaches it), and only those', async () => {
    const sb = await start({ seedData: { accounts: ACCOUNTS, orders: ORDERS }, tlsNames: ['sandbox.test'] });
    // Connect to loopback but verify the certificate against another name, as a client that
    // reaches the sandbox by that name would.
    const statusAs = async (servername: string) => {
      const client = new Agent({ connect: { ca: sb.caPem, servername } });
      try {
        const res = await client.request({ origin: sb.url, path: '/_sandbox/stats', method: 'GET' });
        await res.body.text();
        return res.statusCode;
      } finally {
        await client.destroy();
      }
    };
    expect(await statusAs('sandbox.test')).toBe(200);
    await expect(statusAs('other.test')).rejects.toThrow(/other\.test/);
  });

  it('reads stats and orders, changes faults and resets stats over HTTPS', async () => {
    const sb = await start();
    await ssl({ orderNumber: '1017', revocationReason: 'r' });
    const stats = JSON.parse((await call(`${sb.url}/_sandbox/stats`)).body);
    expect(stats.totalRequests).toBe(1);
    expect(stats.accounts['sectigo:acme']).toMatchObject({ requests: 1, overLimit: 0, codes: { '0': 1 } });
    expect(stats.orders['sectigo:1017']).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 1 });

    const order = await call(`${sb.url}/_sandbox/orders/sectigo/1017`);
    expect(JSON.parse(order.body)).toMatchObject({ orderNumber: '1017', account: 'acme', state: 'revoked' });
    expect((await call(`${sb.url}/_sandbox/orders/sectigo/999999`)).status).toBe(404);
    expect((await call(`${sb.url}/_sandbox/orders/comodo/1017`)).status).toBe(404);

    const set = await call(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ rates: { unknownError: 1 }, latency: { kind: 'uniform', minMs: 1, maxMs: 2 } }),
    });
    expect(set.status).toBe(200);
    expect(JSON.parse(set.body)).toMatchObject({ rates: { unknownError: 1 }, latency: { kind: 'uniform' } });
    expect(await lines(ssl({ orderNumber: '1018', revocationReason: 'r' }))).toEqual([
      '-14',
      'An unknown error occurred!',
    ]);
    expect(orderState('sectigo', '1018')).toBe('issued');
    const bad = await call(`${sb.url}/_sandbox/faults`, { method: 'POST', body: '{"rates":{"reset":2}}' });
    expect(bad.status).toBe(400);
    expect((await call(`${sb.url}/_sandbox/faults`, { method: 'POST', body: '{nope' })).status).toBe(400);
    expect(JSON.parse((await call(`${sb.url}/_sandbox/faults`)).body).rates).toEqual({ unknownError: 1 });

    expect((await call(`${sb.url}/_sandbox/reset-stats`, { method: 'POST' })).status).toBe(204);
    const cleared = JSON.parse((await call(`${sb.url}/_sandbox/stats`)).body);
    expect(cleared.totalRequests).toBe(0);
    // Order history is state, not accounting: the revoke stays on record.
    expect(cleared.orders['sectigo:1017']).toMatchObject({ calls: 0, successfulRevokes: 1 });
    expect(sb.stats().totalRequests).toBe(0);
  });

  it('starts from a JSON seed file and writes the CA where asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
    try {
      const seedFile = join(dir, 'seed.json');
      writeFileSync(
        seedFile,
        JSON.stringify({ accounts: ACCOUNTS, orders: [s('77', 'revoked'), d('88', 'issued')] }),
      );
      const sb = await start({ seedFile, caFile: join(dir, 'ca', 'sandbox-ca.pem') });
      expect(sb.caFile).toBe(join(dir, 'ca', 'sandbox-ca.pem'));
      expect(readFileSync(sb.caFile, 'utf8')).toBe(sb.caPem);
      expect(await lines(ssl({ orderNumber: '77', revocationReason: 'r' }))).toEqual([
        '-21',
        'The certificate has already been revoked!',
      ]);
      expect(sb.state.list().map((o) => `${o.vendor}:${o.orderNumber}`)).toEqual([
        'sectigo:77',
        'digicert:88',
      ]);
      await sb.close();
      // A CA file we were told where to write is the caller's: it stays.
      expect(existsSync(sb.caFile)).toBe(true);
      writeFileSync(seedFile, '{"orders":[{"vendor":"sectigo","account":"nobody","orderNumber":"1"}]}');
      await expect(startSandbox({ seedFile })).rejects.toThrow(/unknown account "nobody"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers unknown paths with 404', async () => {
    const sb = await start();
    expect((await call(`${sb.url}/products/!AutoApplySSL`, { method: 'POST' })).status).toBe(404);
    expect((await call(`${sb.url}/elsewhere`)).status).toBe(404);
    expect((await call(`${sb.url}/_sandbox/nothing`)).status).toBe(404);
  });
});

describe('sandbox: the vendor-docs samples replayed', () => {
  it('autoRevokeCertificate sample → 0; again → -21', async () => {
    await start({});
    const sample = {
      loginName: 'yourLoginName',
      loginPassword: 'yourPassword',
      orderNumber: '123456',
      codeReason: '1',
      revocationReason: 'Key compromised',
      responseFormat: '0',
    };
    expect(await lines(sectigo('!AutoRevokeCertificate', sample))).toEqual(['0']);
    expect(await lines(sectigo('!AutoRevokeCertificate', sample))).toEqual([
      '-21',
      'The certificate has already been revoked!',
    ]);
  });

  it('AutoRevokePAC sample (orderNumber=order_number) → the documented -4, on both path spellings', async () => {
    const sb = await start({});
    const sample = {
      loginName: 'login_name',
      loginPassword: 'login_password',
      orderNumber: 'order_number',
      revocationReason: 'revocation_reason',
    };
    const expected = ['-4', "The value of the 'orderNumber' argument is invalid!"];
    expect(await lines(sectigo('!AutoRevokePAC', sample))).toEqual(expected);
    expect(await lines(sectigo('!AutoRevokePAC', sample, { base: `${sb.url}/products` }))).toEqual(expected);
  });

  it('AutoReplaceSMIME sample (its CSR is elided with "...") → JSON -4 csr', async () => {
    await start({});
    const answer = await sectigo('!AutoReplaceSMIME', {
      loginName: 'login_name',
      loginPassword: 'login_password',
      orderNumber: '1234567',
      csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIICyDCCAbACAQAwQDETMBEGA1UEAwwKdnBzLXFhLmNvbTELMAkGA1UEBhMCUk8x\n...\n-----END CERTIFICATE REQUEST-----',
      responseFormat: '2',
      REVOKEOLDORDER: 'Y',
    });
    expect(answer.type).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({
      errorCode: -4,
      errorMessage: "The value of the 'csr' argument is invalid!",
    });
    expect(orderState('sectigo', '1234567')).toBe('issued');
  });

  it('DigiCert revoke sample → 201 with a pending request object', async () => {
    const seed = generateSeed({ orders: 10, seed: 5, sectigoShare: 0 });
    const target = seed.orders.find((o) => o.vendor === 'digicert' && o.state === 'issued')!;
    const sb = await start({ seedData: seed });
    const answer = await call(`${sb.digicertBaseUrl}/order/certificate/${target.orderNumber}/revoke`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-DC-DEVKEY': sb.accounts.digicert[0]!.apiKey },
      body: '{\n"comments": "I no longer need this cert."\n}',
    });
    expect(answer.status).toBe(201);
    expect(answer.type).toBe('application/json');
    const body = JSON.parse(answer.body);
    expect(body).toEqual({
      id: 1,
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      type: 'revoke',
      status: 'pending',
      requester: {
        id: expect.any(Number),
        first_name: expect.any(String),
        last_name: expect.any(String),
        email: expect.any(String),
      },
      comments: 'I no longer need this cert.',
    });
    expect(orderState('digicert', target.orderNumber)).toBe('issued');
  });
});

describe('sandbox: Sectigo AutoRevokeSSL', () => {
  it('revokes an issued order (0) and then answers -21; rejects a pending one and then answers -20', async () => {
    await start();
    expect(await lines(ssl({ orderNumber: '1001', revocationReason: 'key compromise' }))).toEqual(['0']);
    expect(orderState('sectigo', '1001')).toBe('revoked');
    expect(await lines(ssl({ orderNumber: '1001', revocationReason: 'again' }))).toEqual([
      '-21',
      'The certificate has already been revoked!',
    ]);
    expect(await lines(ssl({ orderNumber: '1002', revocationReason: 'cancel' }))).toEqual(['0']);
    expect(orderState('sectigo', '1002')).toBe('rejected');
    expect(await lines(ssl({ orderNumber: '1002', revocationReason: 'again' }))).toEqual([
      '-20',
      'The certificate request has already been rejected!',
    ]);
    expect(sandbox!.stats().orders['sectigo:1001']?.successfulRevokes).toBe(1);
  });

  it('answers -26 while being issued (-23 without revocationReason), then revokes', async () => {
    await start();
    expect(await lines(ssl({ orderNumber: '1003', revocationReason: 'r' }))).toEqual([
      '-26',
      'The certificate is currently being issued!',
    ]);
    expect(await lines(ssl({ orderNumber: '1003' }))).toEqual([
      '-23',
      'The certificate is currently being issued!',
    ]);
    expect(await lines(ssl({ orderNumber: '1003', revocationReason: 'r' }))).toEqual(['0']);
  });

  it('finds the order by certificateID or serialNumber; several identifiers must agree', async () => {
    await start();
    expect(await lines(ssl({ certificateID: '5001', revocationReason: 'r' }))).toEqual(['0']);
    expect(orderState('sectigo', '1001')).toBe('revoked');
    expect(await lines(ssl({ serialNumber: 'feed', revocationReason: 'r' }))).toEqual(['0']);
    expect(orderState('sectigo', '1008')).toBe('revoked');
    expect(await lines(ssl({ orderNumber: '1017', certificateID: '5001', revocationReason: 'r' }))).toEqual([
      '-4',
      "The value of the 'certificateID' argument is invalid!",
    ]);
  });

  it('matches parameter names in any case, the path only as documented, and accepts a SASP session id', async () => {
    await start();
    const stray = await sectigo('!autorevokessl', { ...ACME, orderNumber: '1017', revocationReason: 'r' });
    expect(stray.status).toBe(404);
    expect(stray.type).toBe('text/html');
    expect(orderState('sectigo', '1017')).toBe('issued');
    const answer = await sectigo('!AutoRevokeSSL', {
      LOGINNAME: 'acme',
      loginpassword: 'secret',
      OrderNumber: '1017',
      REVOCATIONREASON: 'r',
      responseformat: '1',
    });
    expect(answer.type).toBe('application/x-www-form-urlencoded');
    expect(answer.body).toBe('errorCode=0');
    expect(
      await lines(
        sectigo('!AutoRevokeSSL', {
          saspSessionID: 'SESSION0001',
          orderNumber: '1018',
          revocationReason: 'r',
        }),
      ),
    ).toEqual(['0']);
    expect(await lines(sectigo('!AutoRevokeSSL', { saspSessionID: 'NOPE', orderNumber: '1019' }))).toEqual([
      '-16',
      'Permission denied!',
    ]);
    expect(await lines(ssl({ saspSessionID: 'SESSION0001', orderNumber: '1019' }))).toEqual([
      '-4',
      "The value of the 'saspSessionID' argument is invalid!",
    ]);
  });

  it('test=Y (or y) answers as if done and changes nothing', async () => {
    await start();
    expect(await lines(ssl({ orderNumber: '1017', revocationReason: 'r', test: 'Y' }))).toEqual(['0']);
    expect(await lines(ssl({ orderNumber: '1002', revocationReason: 'r', test: 'y' }))).toEqual(['0']);
    expect(await lines(ssl({ orderNumber: '1010', revocationReason: 'r', test: 'Y' }))).toEqual([
      '-26',
      'The certificate is currently being issued!',
    ]);
    expect(orderState('sectigo', '1017')).toBe('issued');
    expect(orderState('sectigo', '1002')).toBe('pending');
    expect(orderState('sectigo', '1010')).toBe('being-issued');
    expect(sandbox!.stats().orders['sectigo:1017']?.successfulRevokes).toBe(0);
  });

  it('produces -1, -2, -3, -4, -16 and -17 from the requests that cause them', async () => {
    const sb = await start({ seedData: { accounts: ACCOUNTS, orders: ORDERS }, httpPort: 0 });
    const plain = await request(`${sb.httpUrl}/products/!AutoRevokeSSL`, {
      method: 'POST',
      body: new URLSearchParams({ ...ACME, orderNumber: '1017', responseFormat: '1' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await plain.body.text()).toBe('errorCode=-1&errorMessage=Request+was+not+made+over+https%21');
    expect(orderState('sectigo', '1017')).toBe('issued');

    expect(await lines(ssl({ orderNumber: '1017', colour: 'blue' }))).toEqual([
      '-2',
      'Unrecognised argument!',
    ]);
    expect(await lines(sectigo('!AutoRevokeSSL', { loginPassword: 'secret', orderNumber: '1017' }))).toEqual([
      '-3',
      "The 'loginName' argument is missing!",
    ]);
    expect(await lines(sectigo('!AutoRevokeSSL', { loginName: 'acme', orderNumber: '1017' }))).toEqual([
      '-3',
      "The 'loginPassword' argument is missing!",
    ]);
    expect(await lines(ssl({ revocationReason: 'r' }))).toEqual([
      '-3',
      "The 'orderNumber' argument is missing!",
    ]);
    expect(await lines(ssl({ orderNumber: '12ab' }))).toEqual([
      '-4',
      "The value of the 'orderNumber' argument is invalid!",
    ]);
    expect(await lines(ssl({ orderNumber: '424242' }))).toEqual([
      '-4',
      "The value of the 'orderNumber' argument is invalid!",
    ]);
    // Another account's order is as unknown as a missing one.
    expect(await lines(ssl({ orderNumber: '1020' }))).toEqual([
      '-4',
      "The value of the 'orderNumber' argument is invalid!",
    ]);
    expect(await lines(ssl({ orderNumber: '1017', test: 'maybe' }))).toEqual([
      '-4',
      "The value of the 'test' argument is invalid!",
    ]);
    expect(await lines(ssl({ orderNumber: '1017', responseFormat: '2' }))).toEqual([
      '-4',
      "The value of the 'responseFormat' argument is invalid!",
    ]);
    expect(await lines(ssl({ orderNumber: '1017', revocationReason: 'x'.repeat(1025) }))).toEqual([
      '-4',
      "The value of the 'revocationReason' argument is invalid!",
    ]);
    expect(
      await lines(
        sectigo('!AutoRevokeSSL', { loginName: 'acme', loginPassword: 'wrong', orderNumber: '1017' }),
      ),
    ).toEqual(['-16', 'Permission denied!']);
    expect(
      await lines(sectigo('!AutoRevokeSSL', { ...ACME, orderNumber: '1017' }, { method: 'GET' })),
    ).toEqual(['-17', 'Request used GET rather than POST!']);
    expect(orderState('sectigo', '1017')).toBe('issued');
  });
});

describe('sandbox: Sectigo autoRevokeCertificate and AutoRevokePAC', () => {
  it('autoRevokeCertificate: -35 expired, -43 not revocable, case-sensitive names, strict test flag', async () => {
    await start();
    const cert = (params: Record<string, string>, path = '!autoRevokeCertificate') =>
      sectigo(path, { ...ACME, codeReason: '1', ...params });
    expect(await lines(cert({ orderNumber: '1007' }))).toEqual([
      '-35',
      'The certificate has expired and cannot be revoked!',
    ]);
    expect(await lines(cert({ orderNumber: '1006' }))).toEqual([
      '-43',
      'Certificate is not in a revocable state.',
    ]);
    expect(await lines(cert({ ordernumber: '1017' }))).toEqual(['-2', 'Unrecognised argument!']);
    expect(await lines(cert({ orderNumber: '1017', test: 'y' }))).toEqual([
      '-4',
      "The value of the 'test' argument is invalid!",
    ]);
    expect(await lines(cert({ orderNumber: '1017', codeReason: '2' }))).toEqual([
      '-4',
      "The value of the 'codeReason' argument is invalid!",
    ]);
    expect(await lines(cert({ orderNumber: '1017', serialNumber: 'abc' }))).toEqual([
      '-4',
      "The value of the 'serialNumber' argument is invalid!",
    ]);
    expect(await lines(cert({ orderNumber: '1001', serialNumber: '0a:bc:de:f0:12:3', test: 'Y' }))).toEqual([
      '0',
    ]);
    expect(await lines(cert({ orderNumber: '1003' }))).toEqual([
      '-26',
      'The certificate is currently being issued!',
    ]);
    const formatted = await cert({ orderNumber: '1017', responseFormat: '1' }, '!AutoRevokeCertificate');
    expect(formatted.body).toBe('errorCode=0');
    expect(orderState('sectigo', '1017')).toBe('revoked');
  });

  it('AutoRevokePAC: answers in lines only with its own capitalised messages', async () => {
    await start();
    const pac = (params: Record<string, string>) =>
      sectigo('!AutoRevokePAC', { ...ACME, codeReason: '0', ...params });
    expect(await lines(pac({ orderNumber: '1017' }))).toEqual([
      '-3',
      "The 'revocationReason' argument is missing!",
    ]);
    expect(
      await lines(sectigo('!AutoRevokePAC', { ...ACME, orderNumber: '1017', revocationReason: 'r' })),
    ).toEqual(['-3', "The 'codeReason' argument is missing!"]);
    expect(await lines(pac({ orderNumber: '1017', revocationReason: 'r', responseFormat: '1' }))).toEqual([
      '-2',
      'Unrecognised argument!',
    ]);
    expect(await lines(pac({ orderNumber: '1017', revocationReason: 'r', test: 'Y' }))).toEqual(['0']);
    expect(orderState('sectigo', '1017')).toBe('issued');
    expect(await lines(pac({ orderNumber: '1017', revocationReason: 'r' }))).toEqual(['0']);
    expect(await lines(pac({ orderNumber: '1017', revocationReason: 'r' }))).toEqual([
      '-21',
      'The certificate has already been Revoked!',
    ]);
    expect(await lines(pac({ orderNumber: '1005', revocationReason: 'r' }))).toEqual([
      '-20',
      'The certificate request has already been Rejected!',
    ]);
    expect(await lines(pac({ orderNumber: '1003', revocationReason: 'r' }))).toEqual([
      '-26',
      'The certificate is currently being Issued!',
    ]);
    expect(await lines(pac({ orderNumber: '1006', revocationReason: 'r' }))).toEqual([
      '-43',
      'Certificate is not in a revocable state.',
    ]);
    expect(await lines(pac({ orderNumber: '1007', revocationReason: 'r' }))).toEqual([
      '-43',
      'Certificate is not in a revocable state.',
    ]);
  });
});

describe('sandbox: Sectigo AutoReplaceSMIME', () => {
  it('replaces with a new order number in formats 0, 1 and 2; REVOKEOLDORDER=Y revokes the old order', async () => {
    await start();
    const { pem } = await makeCsr({ keyType: 'ec-p256' });
    const replace = (params: Record<string, string>) =>
      sectigo('!AutoReplaceSMIME', { ...ACME, csr: pem, ...params });

    const first = await lines(replace({ orderNumber: '1009' }));
    expect(first[0]).toBe('0');
    expect(first[1]).toMatch(/^\d+$/);
    expect(sandbox!.state.find('sectigo', first[1]!)).toMatchObject({
      state: 'issued',
      replaces: '1009',
      account: 'acme',
    });
    expect(orderState('sectigo', '1009')).toBe('issued');

    const second = await replace({ orderNumber: '1009', responseFormat: '1', signatureHash: 'PREFER_SHA2' });
    expect(second.type).toBe('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(second.body);
    expect(fields.get('errorCode')).toBe('0');
    expect(fields.get('errorMessage')).toBeNull();
    expect(fields.get('orderNumber')).toMatch(/^\d+$/);

    // The CSR without PEM armour is accepted too.
    const bare = pem.replace(/-----[A-Z ]+-----/g, '').trim();
    const third = await replace({ orderNumber: '1009', responseFormat: '2', REVOKEOLDORDER: 'Y', csr: bare });
    expect(third.type).toBe('application/json');
    const json = JSON.parse(third.body);
    expect(json).toEqual({ errorCode: 0, orderNumber: expect.any(Number) });
    expect(orderState('sectigo', '1009')).toBe('revoked');
    expect(sandbox!.stats().orders['sectigo:1009']).toMatchObject({ successfulRevokes: 1, replacements: 3 });

    expect(await lines(replace({ orderNumber: '1009' }))).toEqual([
      '-21',
      'The certificate has already been revoked!',
    ]);
    expect(await lines(replace({ orderNumber: '1010' }))).toEqual([
      '-26',
      'The certificate is currently being issued!',
    ]);
    expect(await lines(replace({ orderNumber: '1005' }))).toEqual([
      '-43',
      'Certificate is not in a revocable state.',
    ]);
  });

  it('refuses -13 small keys, -40 compromised keys, -15 without credit, -3/-4 bad parameters', async () => {
    const compromised = await makeCsr({ keyType: 'ec-p256' });
    await start({
      seedData: { accounts: ACCOUNTS, orders: ORDERS, compromisedKeys: [compromised.spkiSha256] },
    });
    const good = await makeCsr({ keyType: 'ec-p384' });
    const small = await makeCsr({ keyType: 'rsa-1024' });
    const replace = (params: Record<string, string>) =>
      sectigo('!AutoReplaceSMIME', { ...ACME, orderNumber: '1009', ...params });
    expect(await lines(replace({ csr: small.pem }))).toEqual([
      '-13',
      'The CSR uses an unsupported key size!',
    ]);
    expect(await lines(replace({ csr: compromised.pem }))).toEqual([
      '-40',
      'The key in the CSR is believed to have been compromised!',
    ]);
    expect(
      await lines(
        sectigo('!AutoReplaceSMIME', {
          loginName: 'poor',
          loginPassword: 'secret',
          orderNumber: '1021',
          csr: good.pem,
        }),
      ),
    ).toEqual(['-15', 'Not enough credit!']);
    expect(await lines(replace({}))).toEqual(['-3', "The 'csr' argument is missing!"]);
    expect(await lines(replace({ csr: good.pem, signatureHash: 'MD5' }))).toEqual([
      '-4',
      "The value of the 'signatureHash' argument is invalid!",
    ]);
    expect(await lines(replace({ csr: good.pem, test: 'Y' }))).toEqual(['-2', 'Unrecognised argument!']);
    expect(
      await lines(
        sectigo('!AutoReplaceSMIME', {
          loginName: 'acme',
          loginPassword: 'bad',
          orderNumber: '1009',
          csr: good.pem,
        }),
      ),
    ).toEqual([
      '-16',
      'Incorrect login details, account is locked, password has expired, or your source IP is blocked!',
    ]);
    expect(orderState('sectigo', '1009')).toBe('issued');
    expect(sandbox!.state.find('sectigo', '1009')?.replacedBy).toEqual([]);
  });
});

describe('sandbox: rate limits', () => {
  it('Sectigo: -42 over the account limit; stats show the window counts', async () => {
    await start();
    const limited = () =>
      sectigo('!AutoRevokeSSL', { loginName: 'limited', loginPassword: 'secret', orderNumber: '1' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => lines(limited())));
    const codes = answers.map((a) => a[0]);
    expect(codes.filter((c) => c === '-42')).toHaveLength(3);
    expect(answers.find((a) => a[0] === '-42')?.[1]).toBe('Call limit reached, please try again later');
    const stats = sandbox!.stats();
    expect(stats.accounts['sectigo:limited']).toMatchObject({
      requests: 6,
      overLimit: 3,
      peakPerSecond: 6,
      windows: [{ max: 3, durationMs: 1000, peak: 6 }],
    });
    expect(stats.overLimit).toBe(3);
    expect(stats.codes.sectigo['-42']).toBe(3);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await lines(limited()))[0]).not.toBe('-42');
  });

  it('DigiCert: 429 request_limit_exceeded with Retry-After when configured', async () => {
    await start();
    const get = () => digicert('request/1', { method: 'GET', key: 'limited-key' });
    expect((await get()).status).toBe(404);
    expect((await get()).status).toBe(404);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(errorsOf(limited)[0]?.code).toBe('request_limit_exceeded');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(sandbox!.stats().accounts['digicert:dc-limited']).toMatchObject({ requests: 3, overLimit: 1 });
  });
});

describe('sandbox: DigiCert', () => {
  it('revoke → 201 pending → approve → revoked; GET request shows it', async () => {
    await start();
    const created = await digicert('order/certificate/2001/revoke', {
      body: { comments: 'key compromise', revocation_reason: 'key_compromise' },
    });
    expect(created.status).toBe(201);
    const req = JSON.parse(created.body);
    expect(req).toMatchObject({ id: 1, type: 'revoke', status: 'pending', comments: 'key compromise' });
    // Revoking again while one is pending answers the same request.
    expect(
      JSON.parse((await digicert('order/certificate/2001/revoke', { body: { comments: 'again' } })).body).id,
    ).toBe(1);
    expect(orderState('digicert', '2001')).toBe('issued');

    const approved = await digicert(`request/${req.id}/status`, {
      body: { status: 'approved', processor_comment: 'ok' },
    });
    expect(approved.status).toBe(204);
    expect(approved.body).toBe('');
    expect(orderState('digicert', '2001')).toBe('revoked');
    const shown = JSON.parse((await digicert(`request/${req.id}`, { method: 'GET' })).body);
    expect(shown).toMatchObject({ id: 1, status: 'approved', processor_comment: 'ok', order: { id: 2001 } });

    const again = await digicert(`request/${req.id}/status`, { body: { status: 'approved' } });
    expect(again.status).toBe(400);
    expect(errorsOf(again)[0]?.code).toBe('invalid_request_status|approved');
    const revokedAgain = await digicert('order/certificate/2001/revoke', { body: { comments: 'x' } });
    expect(revokedAgain.status).toBe(400);
    expect(errorsOf(revokedAgain)[0]?.code).toBe('already_revoked');
    expect(sandbox!.stats().orders['digicert:2001']?.successfulRevokes).toBe(1);
  });

  it('a rejected request leaves the order issued', async () => {
    await start();
    const req = JSON.parse(
      (await digicert('order/certificate/2002/revoke', { body: { comments: 'c' } })).body,
    );
    expect(
      (await digicert(`request/${req.id}/status`, { body: { status: 'rejected', processor_comment: 'no' } }))
        .status,
    ).toBe(204);
    expect(orderState('digicert', '2002')).toBe('issued');
  });

  it('skip_approval: 204 and revoked at once for admin keys, 403 access_denied for others', async () => {
    await start();
    const direct = await digicert('order/certificate/2003/revoke', {
      body: { comments: 'c', skip_approval: true },
    });
    expect(direct.status).toBe(204);
    expect(orderState('digicert', '2003')).toBe('revoked');
    const denied = await digicert('order/certificate/2006/revoke', {
      key: 'user-key',
      body: { comments: 'c', skip_approval: true },
    });
    expect(denied.status).toBe(403);
    expect(errorsOf(denied)[0]?.code).toBe('access_denied');
    const filed = await digicert('order/certificate/2006/revoke', {
      key: 'user-key',
      body: { comments: 'c' },
    });
    expect(filed.status).toBe(201);
    const approveByUser = await digicert(`request/${JSON.parse(filed.body).id}/status`, {
      key: 'user-key',
      body: { status: 'approved' },
    });
    expect(approveByUser.status).toBe(403);
    expect(orderState('digicert', '2006')).toBe('issued');
  });

  it('401 without or with a wrong key, 404 not_found|order and not_found|request, 400 bad JSON and fields', async () => {
    await start();
    const missing = await digicert('order/certificate/2001/revoke', { key: null, body: { comments: 'c' } });
    expect(missing.status).toBe(401);
    const wrong = await digicert('order/certificate/2001/revoke', { key: 'nope', body: { comments: 'c' } });
    expect(wrong.status).toBe(401);
    expect(errorsOf(wrong)[0]?.code).toBe('invalid_api_key');
    const unknown = await digicert('order/certificate/999/revoke', { body: { comments: 'c' } });
    expect(unknown.status).toBe(404);
    expect(errorsOf(unknown)).toEqual([{ code: 'not_found|order', message: 'Order not found.' }]);
    // Another account's order is not found either.
    expect((await digicert('order/certificate/2006/revoke', { body: { comments: 'c' } })).status).toBe(404);
    const noRequest = await digicert('request/77', { method: 'GET' });
    expect(errorsOf(noRequest)[0]?.code).toBe('not_found|request');
    const badJson = await digicert('order/certificate/2001/revoke', { body: '{"comments": ' });
    expect(badJson.status).toBe(400);
    expect(errorsOf(badJson)[0]?.code).toBe('invalid_json');
    expect(errorsOf(await digicert('order/certificate/2001/revoke', { body: {} }))[0]?.code).toBe(
      'missing_field|comments',
    );
    expect(
      errorsOf(await digicert('order/certificate/2005/revoke', { body: { comments: 'c' } }))[0]?.code,
    ).toBe('invalid_order_status|expired');
    expect((await digicert('order/certificate/2001/revoke', { method: 'GET' })).status).toBe(405);
    expect(orderState('digicert', '2001')).toBe('issued');
  });
});

describe('sandbox: faults', () => {
  it('per order: reset, 5xx HTML page, garbage, -14, effect-then-reset, hang', async () => {
    await start();
    const revoke = (n: string) => ssl({ orderNumber: n, revocationReason: 'r', responseFormat: '1' });

    await expect(revoke('1011')).rejects.toThrow();
    expect(orderState('sectigo', '1011')).toBe('issued');
    expect((await revoke('1011')).body).toBe('errorCode=0');

    const page = await revoke('1012');
    expect(page.status).toBeGreaterThanOrEqual(500);
    expect(page.type).toBe('text/html');
    expect(page.body).toMatch(/<html>/);
    expect(orderState('sectigo', '1012')).toBe('issued');

    for (let i = 0; i < 2; i++) {
      const garbage = await revoke('1013');
      expect(garbage.status).toBe(200);
      expect(new URLSearchParams(garbage.body).get('errorCode') ?? '').not.toMatch(/^-?\d+$/);
    }
    expect(orderState('sectigo', '1013')).toBe('issued');

    expect((await revoke('1014')).body).toBe('errorCode=-14&errorMessage=An+unknown+error+occurred%21');
    expect(orderState('sectigo', '1014')).toBe('issued');

    await expect(revoke('1015')).rejects.toThrow();
    expect(orderState('sectigo', '1015')).toBe('revoked');
    expect(new URLSearchParams((await revoke('1015')).body).get('errorCode')).toBe('-21');

    const started = Date.now();
    await expect(
      call(`${sandbox!.sectigoBaseUrl}!AutoRevokeSSL`, {
        method: 'POST',
        body: new URLSearchParams({ ...ACME, orderNumber: '1016' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        headersTimeout: 300,
      }),
    ).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const codes = sandbox!.stats().codes.sectigo;
    expect(codes['fault:reset']).toBe(1);
    expect(codes['fault:resetAfterEffect']).toBe(1);
    expect(codes['fault:garbage:200']).toBe(2);
    expect(codes['-14']).toBe(1);
    expect(codes['fault:hang']).toBe(1);
  });

  it('per order on DigiCert: 5xx, then reset, then the revoke', async () => {
    await start();
    const first = await digicert('order/certificate/2007/revoke', { body: { comments: 'c' } });
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(first.type).toBe('text/html');
    await expect(digicert('order/certificate/2007/revoke', { body: { comments: 'c' } })).rejects.toThrow();
    expect((await digicert('order/certificate/2007/revoke', { body: { comments: 'c' } })).status).toBe(201);
  });

  it('by rate: reproducible for a seed, each kind shows up', async () => {
    const runCodes = async (seed: number) => {
      const sb = await startSandbox({
        seedData: { accounts: ACCOUNTS, orders: ORDERS },
        seed,
        faultRates: { unknownError: 0.3, serverError: 0.2, garbage: 0.2 },
      });
      extra.push(sb);
      const a = new Agent({ connect: { ca: sb.caPem } });
      const seen: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await request(`${sb.sectigoBaseUrl}!AutoRevokeSSL`, {
          dispatcher: a,
          method: 'POST',
          body: new URLSearchParams({
            ...ACME,
            orderNumber: '999',
            test: 'Y',
            responseFormat: '1',
          }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const body = await res.body.text();
        seen.push(`${res.statusCode} ${body.slice(0, 40)}`);
      }
      await a.destroy();
      return seen;
    };
    const a = await runCodes(1234);
    expect(await runCodes(1234)).toEqual(a);
    expect(await runCodes(4321)).not.toEqual(a);
    expect(a.some((x) => x.includes('errorCode=-14'))).toBe(true);
    expect(a.some((x) => x.startsWith('5'))).toBe(true);
    expect(a.some((x) => x.includes('errorCode=-4'))).toBe(true);
  });

  it('by rate at run time: reset on every call, then off again; latency is applied', async () => {
    const sb = await start();
    await call(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ rates: { reset: 1 } }),
    });
    await expect(ssl({ orderNumber: '1017', revocationReason: 'r' })).rejects.toThrow();
    expect(orderState('sectigo', '1017')).toBe('issued');
    sb.controls.setFaults({ rates: { reset: 0 }, latency: { kind: 'uniform', minMs: 150, maxMs: 200 } });
    const started = Date.now();
    expect(await lines(ssl({ orderNumber: '1017', revocationReason: 'r' }))).toEqual(['0']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('sandbox: as strict as the documents, and the variants where they are silent', () => {
  const revokeBody = { comments: 'key compromise' };
  const setVariants = async (variants: string[]) =>
    call(`${sandbox!.url}/_sandbox/variants`, { method: 'POST', body: JSON.stringify({ variants }) });

  it('takes every documented Sectigo path spelling and nothing else', async () => {
    await start();
    const pac = { ...ACME, revocationReason: 'r', codeReason: '0', test: 'Y' };
    const cert = { ...ACME, orderNumber: '1017', codeReason: '0', test: 'Y' };
    for (const [path, params] of [
      ['!AutoRevokeSSL', { ...ACME, orderNumber: '1017', revocationReason: 'r', test: 'Y' }],
      ['!autoRevokeCertificate', cert],
      ['!AutoRevokeCertificate', cert],
      ['!AutoRevokePAC', { ...pac, orderNumber: '1017' }],
    ] as const) {
      expect(await lines(sectigo(path, params)), path).toEqual(['0']);
    }
    // AutoRevokePAC's page drops the "/" before "!": that spelling is documented too.
    const base = sandbox!.sectigoBaseUrl.replace(/\/$/, '');
    expect(await lines(sectigo('!AutoRevokePAC', { ...pac, orderNumber: '1017' }, { base }))).toEqual(['0']);
    for (const stray of ['!autorevokessl', '!AUTOREVOKEPAC', '!autoRevokePAC', '!AutoRevokeSsl']) {
      const answer = await sectigo(stray, { ...ACME, orderNumber: '1017', revocationReason: 'r' });
      expect([stray, answer.status, answer.type]).toEqual([stray, 404, 'text/html']);
    }
    expect(await lines(sectigo('!autoRevokeCertificate', { ...ACME, orderNumber: '1017' }))).toEqual([
      '-3',
      "The 'codeReason' argument is missing!",
    ]);
    expect(orderState('sectigo', '1017')).toBe('issued');
  });

  it('DigiCert: a body not declared JSON is 415; a known route takes no other method', async () => {
    await start();
    const answer = await call(`${sandbox!.digicertBaseUrl}/order/certificate/2001/revoke`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': 'admin-key', 'content-type': 'text/plain' },
      body: JSON.stringify(revokeBody),
    });
    expect(answer.status).toBe(415);
    expect(errorsOf(answer)[0]?.code).toBe('unsupported_media_type');
    expect(orderState('digicert', '2001')).toBe('issued');
  });

  it('DigiCert: the pending requests of the account, filtered and paged, each naming its order', async () => {
    await start();
    await digicert('order/certificate/2001/revoke', { body: revokeBody });
    await digicert('order/certificate/2002/revoke', { body: revokeBody });
    const list = await digicert('request?filters[status]=pending&filters[type]=revoke&limit=1', {
      method: 'GET',
    });
    expect(list.status).toBe(200);
    const page = JSON.parse(list.body);
    expect(page.page).toEqual({ total: 2, limit: 1, offset: 0 });
    expect(page.requests).toHaveLength(1);
    expect(page.requests[0]).toMatchObject({ type: 'revoke', status: 'pending', order: { id: 2002 } });
    const next = JSON.parse(
      (await digicert('request?filters[status]=pending&limit=1&offset=1', { method: 'GET' })).body,
    );
    expect(next.requests[0].order).toEqual({ id: 2001 });
    expect((await digicert('request?limit=0', { method: 'GET' })).status).toBe(400);
  });

  it('variants are listed, switched at run time, and refused when two of a group are asked for', async () => {
    await start();
    const listed = JSON.parse((await call(`${sandbox!.url}/_sandbox/variants`)).body);
    expect(listed.variants).toEqual([]);
    expect(Object.keys(listed.available)).toContain('digicert-repeat-refused');
    const refused = await setVariants(['digicert-repeat-refused', 'digicert-repeat-new-request']);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toMatch(/alternatives/);
    expect((await setVariants(['no-such-variant'])).status).toBe(400);
    expect(JSON.parse((await setVariants(['digicert-repeat-refused'])).body).variants).toEqual([
      'digicert-repeat-refused',
    ]);
  });

  it('DigiCert repeated revoke: the same request by default, a new one, or refused', async () => {
    await start();
    const first = JSON.parse((await digicert('order/certificate/2001/revoke', { body: revokeBody })).body);
    const same = JSON.parse((await digicert('order/certificate/2001/revoke', { body: revokeBody })).body);
    expect(same.id).toBe(first.id);
    await setVariants(['digicert-repeat-new-request']);
    const fresh = JSON.parse((await digicert('order/certificate/2001/revoke', { body: revokeBody })).body);
    expect(fresh.id).not.toBe(first.id);
    await setVariants(['digicert-repeat-refused']);
    const again = await digicert('order/certificate/2001/revoke', { body: revokeBody });
    expect([again.status, errorsOf(again)[0]?.code]).toEqual([400, 'duplicate_request']);
  });

  it('DigiCert already revoked: three spellings', async () => {
    await start();
    const answers: [number, string][] = [];
    for (const variants of [[], ['digicert-already-revoked-status'], ['digicert-already-revoked-conflict']]) {
      await setVariants(variants);
      const answer = await digicert('order/certificate/2004/revoke', { body: revokeBody });
      answers.push([answer.status, errorsOf(answer)[0]?.code ?? '']);
    }
    expect(answers).toEqual([
      [400, 'already_revoked'],
      [400, 'invalid_order_status|revoked'],
      [409, 'conflict'],
    ]);
  });

  it('DigiCert revocation_reason: snake_case by default, camelCase under a variant; comments optional under another', async () => {
    await start();
    const reason = (r: string) =>
      digicert('order/certificate/2001/revoke', { body: { ...revokeBody, revocation_reason: r } });
    expect((await reason('keyCompromise')).status).toBe(400);
    expect((await reason('key_compromise')).status).toBe(201);
    await setVariants(['digicert-reason-camel']);
    expect(errorsOf(await reason('key_compromise'))[0]?.code).toBe('invalid_field|revocation_reason');
    expect((await reason('keyCompromise')).status).toBe(201);
    expect(errorsOf(await digicert('order/certificate/2002/revoke', { body: {} }))[0]?.code).toBe(
      'missing_field|comments',
    );
    await setVariants(['digicert-comments-optional']);
    expect((await digicert('order/certificate/2002/revoke', { body: {} })).status).toBe(201);
  });

  it("Sectigo: another account's order is -16 under sectigo-permission-per-order, -4 by default", async () => {
    await start();
    expect(await lines(ssl({ orderNumber: '1020', revocationReason: 'r' }))).toEqual([
      '-4',
      "The value of the 'orderNumber' argument is invalid!",
    ]);
    await setVariants(['sectigo-permission-per-order']);
    expect(await lines(ssl({ orderNumber: '1020', revocationReason: 'r' }))).toEqual([
      '-16',
      'Permission denied!',
    ]);
    expect(await lines(ssl({ orderNumber: '999999', revocationReason: 'r' }))).toEqual([
      '-4',
      "The value of the 'orderNumber' argument is invalid!",
    ]);
    expect(orderState('sectigo', '1020')).toBe('issued');
  });

  it('Sectigo behind a proxy: an HTML 404, a 302 to a login page, an HTML 403', async () => {
    await start();
    const seen: [number, string | undefined, boolean][] = [];
    for (const variant of ['sectigo-front-404', 'sectigo-front-302', 'sectigo-front-403']) {
      await setVariants([variant]);
      const answer = await ssl({ orderNumber: '1017', revocationReason: 'r' });
      seen.push([answer.status, answer.type, answer.body.includes('<html>')]);
    }
    expect(seen).toEqual([
      [404, 'text/html', true],
      [302, 'text/html', true],
      [403, 'text/html', true],
    ]);
    expect(orderState('sectigo', '1017')).toBe('issued');
  });
});
