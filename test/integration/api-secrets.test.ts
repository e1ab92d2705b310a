/**
 * Secrets and the API: every route is used with every kind of token (right, wrong, out of scope,
 * put in a query string or a path, a dashboard login and its session), next to a worker running
 * items to revoked and dead-lettered. Then every Redis key under the rig's prefix (and BullMQ's
 * default prefix), the API's whole log and every answer it gave (headers and bodies) are read,
 * and none holds an API token, nor the vendor credentials. The log and answers are checked to
 * hold what the requests produced, so the test cannot pass on empty material.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import {
  digicertOrder,
  dumpRedis,
  eventually,
  ROOMY_SANDBOX_LIMITS,
  sectigoOrder,
  waitForFinal,
} from '../support/pipeline.ts';

let api: ApiRig;
beforeAll(async () => {
  api = await startApiRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: [
          sectigoOrder('4801'),
          sectigoOrder('4802'),
          sectigoOrder('4803', { state: 'revoked' }),
          digicertOrder('4901'),
        ],
      },
    },
    digicert: { autoApprove: true },
  });
});
afterAll(async () => {
  await api?.close();
});

const SECRETS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(TOKENS).map(([k, v]) => [`API token ${k}`, v])),
  'the Sectigo password': DEMO_SECTIGO_ACCOUNT.loginPassword,
  'the DigiCert API key': DEMO_DIGICERT_ACCOUNT.apiKey,
};

function expectNoSecret(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${where} holds ${name}`).toBe(false);
  }
}

describe('revoker serve: secrets', () => {
  it('no API token (nor vendor credential) in any Redis key, log line or answer', async () => {
    await api.rig.startWorker();
    const item = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'secrets-1' },
      json: {
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        orderNumber: '4801',
        revocationReason: 'kc',
      },
    });
    expect(item.status).toBe(202);
    await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'secrets-1' },
      json: {
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        orderNumber: '4801',
        revocationReason: 'kc',
      },
    });
    const batch = await api.call('POST', '/v1/batches?batchId=secrets-b', {
      token: TOKENS.all,
      headers: { 'content-type': 'text/csv' },
      body:
        'account,operation,orderNumber,order_id,revocationReason\n' +
        'sectigo,sectigo.revokeSSL,4802,,kc\nsectigo,sectigo.revokeSSL,4803,,kc\ndigicert,digicert.revokeOrder,,4901,kc\n',
    });
    expect(batch.status, batch.text).toBe(202);
    await waitForFinal(api.rig.revoker, 'secrets-b');
    await eventually(async () => (await api.rig.revoker.deadLetter.count()) === 1, 'the dead-letter entry');

    for (const [path, token] of [
      ['/v1/batches/secrets-b', TOKENS.read],
      ['/v1/batches/secrets-b/report', TOKENS.read],
      ['/v1/batches/secrets-b/report?format=csv', TOKENS.read],
      [`/v1/items/${encodeURIComponent('sectigo~sectigo.revokeSSL~orderNumber~4801')}`, TOKENS.read],
      ['/v1/dead-letter', TOKENS.read],
      ['/v1/accounts', TOKENS.read],
      ['/metrics', TOKENS.read],
      ['/openapi.json', TOKENS.read],
      ['/v1/accounts', TOKENS.submit],
      ['/v1/accounts', `${TOKENS.admin}-wrong`],
      [`/v1/accounts?access_token=${TOKENS.admin}`, ''],
      [`/v1/items/${TOKENS.all}`, TOKENS.read],
    ] as const) {
      await api.call('GET', path, token === '' ? {} : { token });
    }
    await api.call('POST', '/v1/dead-letter/replay', { token: TOKENS.admin, json: {} });
    await api.call('POST', '/v1/accounts/sectigo/resume', { token: TOKENS.admin });
    const login = await api.call('POST', '/admin/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKENS.admin }).toString(),
    });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(session).toMatch(/^revoker_session=/);
    await api.call('GET', '/admin/queues/manage/', { headers: { cookie: session } });
    await api.call('GET', '/admin/queues/manage/api/queues', { headers: { cookie: session } });
    await api.call('POST', '/admin/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: `${TOKENS.read}x` }).toString(),
    });

    // The material is all there: the answers and the log of every request above.
    const answers = api.answers.join('\n----\n');
    expect(answers).toContain('"revoked"');
    expect(answers).toContain('-21');
    expect(answers).toContain('API_ERR_TOKEN_IN_URL');
    expect(answers).toContain('revoker_items_total');
    const lines = api.log.lines.map((l) => JSON.parse(l) as { msg: string });
    expect(lines.filter((l) => l.msg === 'request completed').length).toBeGreaterThanOrEqual(
      api.answers.length,
    );
    expect(lines.some((l) => l.msg === 'dashboard login')).toBe(true);
    expect(lines.some((l) => l.msg === 'dashboard login refused: not a configured token')).toBe(true);
    expect(api.log.text()).toContain('"authorization":"[redacted]"');
    expect(api.log.text()).toContain('"cookie":"[redacted]"');

    expectNoSecret('the answers', answers);
    expectNoSecret('the API log', api.log.text());
    const dump = await dumpRedis(api.rig.revoker.redis, `${api.rig.prefix}*`);
    // The dump reached the kinds of keys that hold data, the idempotency key among them.
    expect(dump.some((e) => e.key.includes(':idempotency:'))).toBe(true);
    expect(dump.some((e) => e.key === api.rig.revoker.keys.results('sectigo'))).toBe(true);
    for (const entry of dump) expectNoSecret(`Redis key ${entry.key}`, `${entry.key}\n${entry.text}`);
    for (const entry of await dumpRedis(api.rig.revoker.redis, 'bull:*')) {
      expectNoSecret(`Redis key ${entry.key}`, `${entry.key}\n${entry.text}`);
    }
  });
});
