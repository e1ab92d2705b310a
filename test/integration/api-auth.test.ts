/**
 * revoker serve, auth: no token, a wrong one, a malformed header, a token without the route's
 * scope, and a token in a query string, on every kind of route; and the request log, which must
 * never hold a token (the Authorization header is there, redacted; a query token is censored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';

let api: ApiRig;
beforeAll(async () => {
  api = await startApiRig();
});
afterAll(async () => {
  await api?.close();
});

const ITEM = {
  account: 'sectigo',
  operation: 'sectigo.revokeSSL',
  orderNumber: '4100',
  revocationReason: 'x',
};

/** Every route that needs a token, with the scope it needs and a request it would accept. */
const GUARDED: { method: string; path: string; scope: 'submit' | 'read' | 'admin'; json?: unknown }[] = [
  { method: 'POST', path: '/v1/items', scope: 'submit', json: ITEM },
  { method: 'GET', path: '/v1/items/sectigo~sectigo.revokeSSL~orderNumber~4100', scope: 'read' },
  { method: 'GET', path: '/v1/batches/nope', scope: 'read' },
  { method: 'GET', path: '/v1/batches/nope/report', scope: 'read' },
  { method: 'GET', path: '/v1/dead-letter', scope: 'read' },
  { method: 'POST', path: '/v1/dead-letter/nope/replay', scope: 'admin' },
  { method: 'POST', path: '/v1/dead-letter/replay', scope: 'admin', json: {} },
  { method: 'GET', path: '/v1/accounts', scope: 'read' },
  { method: 'POST', path: '/v1/accounts/sectigo/resume', scope: 'admin' },
  { method: 'GET', path: '/metrics', scope: 'read' },
];

/** A token that lacks `scope`. */
const WITHOUT: Record<'submit' | 'read' | 'admin', string> = {
  submit: TOKENS.read,
  read: TOKENS.submit,
  admin: TOKENS.read,
};

describe('revoker serve: auth', () => {
  it('answers 401 without a token, with a wrong one and with a malformed header, on every guarded route', async () => {
    for (const route of GUARDED) {
      const json = route.json;
      const none = await api.call(route.method, route.path, json === undefined ? {} : { json });
      expect(none.status, `${route.method} ${route.path} without a token`).toBe(401);
      expect(none.json()).toMatchObject({ code: 'API_ERR_UNAUTHORIZED', statusCode: 401 });
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="revoker"');

      const wrong = await api.call(route.method, route.path, {
        token: `${TOKENS.all}x`,
        ...(json === undefined ? {} : { json }),
      });
      expect(wrong.status, `${route.method} ${route.path} with a wrong token`).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');

      const basic = await api.call(route.method, route.path, {
        headers: { authorization: `Basic ${Buffer.from(`u:${TOKENS.all}`).toString('base64')}` },
      });
      expect(basic.status).toBe(401);
      expect(basic.json<{ message: string }>().message).toContain('Bearer');
    }
    // Nothing of the refused item was enqueued.
    expect(await api.rig.revoker.item('sectigo~sectigo.revokeSSL~orderNumber~4100')).toBeUndefined();
  });

  it('answers 403 naming the token and the scope when the token lacks it', async () => {
    for (const route of GUARDED) {
      const json = route.json;
      const answer = await api.call(route.method, route.path, {
        token: WITHOUT[route.scope],
        ...(json === undefined ? {} : { json }),
      });
      expect(answer.status, `${route.method} ${route.path} without ${route.scope}`).toBe(403);
      const body = answer.json<{ code: string; message: string }>();
      expect(body.code).toBe('API_ERR_FORBIDDEN');
      expect(body.message).toContain(`"${route.scope}"`);
    }
    // The same routes with the right scope get past auth (a 404 for the made-up ids is fine).
    for (const route of GUARDED) {
      const json = route.json;
      const answer = await api.call(route.method, route.path, {
        token: TOKENS.all,
        ...(json === undefined ? {} : { json }),
      });
      expect([200, 202, 404], `${route.method} ${route.path} with every scope`).toContain(answer.status);
    }
  });

  it('refuses a token in the URL (query by name or value, or a path segment), on guarded and public routes', async () => {
    const byName = await api.call('GET', '/v1/accounts?access_token=whatever', { token: TOKENS.read });
    expect(byName.status).toBe(400);
    expect(byName.json()).toMatchObject({ code: 'API_ERR_TOKEN_IN_URL' });
    expect(byName.json<{ message: string }>().message).toContain('query parameter access_token');

    const byValue = await api.call('GET', `/v1/dead-letter?note=${TOKENS.read}`);
    expect(byValue.status).toBe(400);
    expect(byValue.json()).toMatchObject({ code: 'API_ERR_TOKEN_IN_URL' });

    const publicRoute = await api.call('GET', `/livez?token=${TOKENS.admin}`);
    expect(publicRoute.status).toBe(400);

    // A path that would be echoed back ("item …: no such item") is refused before any route sees it.
    const inPath = await api.call('GET', `/v1/items/${TOKENS.submit}`, { token: TOKENS.read });
    expect(inPath.status).toBe(400);
    expect(inPath.json()).toMatchObject({ code: 'API_ERR_TOKEN_IN_URL' });
    expect(inPath.text).not.toContain(TOKENS.submit);

    // An ordinary query parameter is fine.
    const fine = await api.call('GET', '/v1/dead-letter?limit=5', { token: TOKENS.read });
    expect(fine.status).toBe(200);
  });

  it('keeps every token out of the request log: the Authorization header is redacted, a query token censored', async () => {
    api.log.lines.length = 0;
    await api.call('GET', '/v1/accounts', { token: TOKENS.read });
    await api.call('GET', `/v1/accounts?token=${TOKENS.admin}`);
    await api.call('GET', `/v1/items/${TOKENS.submit}`, { token: TOKENS.read });
    await api.call('POST', '/v1/items', { token: TOKENS.all, json: ITEM });
    const text = api.log.text();
    for (const token of Object.values(TOKENS)) {
      expect(text.includes(token), `the log holds a token (${token.slice(0, 10)}…)`).toBe(false);
    }
    const lines = api.log.lines.map((l) => JSON.parse(l) as { msg: string; req?: Record<string, unknown> });
    const incoming = lines.filter((l) => l.msg === 'request completed').map((l) => l.req ?? {});
    // The request log is there, names the routes and shows that a header was sent, censored.
    expect(incoming.map((r) => r.url)).toEqual([
      '/v1/accounts',
      '/v1/accounts?token=%5Bredacted%5D',
      '/v1/items/[redacted]',
      '/v1/items',
    ]);
    expect((incoming[0]?.headers as Record<string, string> | undefined)?.authorization).toBe('[redacted]');
    expect(lines.filter((l) => l.msg === 'token in URL refused')).toHaveLength(2);
  });
});
