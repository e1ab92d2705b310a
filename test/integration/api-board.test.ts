/**
 * The queue dashboard over HTTP (the browser test shows what a person sees): never without a
 * token; the login page opens a session whose cookie is HttpOnly, SameSite=Strict and not the
 * token; a `read` caller gets the read-only board (Bull Board itself refuses its actions), an
 * `admin` caller the one that acts (pausing a queue pauses it in Redis); logging out ends it.
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

async function login(
  token: string,
): Promise<{ status: number; location: string | null; cookie: string | null; text: string }> {
  const answer = await api.call('POST', '/admin/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, next: '/admin/queues' }).toString(),
  });
  return {
    status: answer.status,
    location: answer.headers.get('location'),
    cookie: answer.headers.get('set-cookie'),
    text: answer.text,
  };
}

describe('revoker serve: the queue dashboard', () => {
  it('is never shown without a token: a browser goes to the login page, a script gets 401', async () => {
    const page = await api.call('GET', '/admin/queues', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fqueues');
    const slash = await api.call('GET', '/admin/queues/', { headers: { accept: 'text/html' } });
    expect(slash.status).toBe(303);
    expect(slash.headers.get('location')).toBe('/admin/queues');
    const board = await api.call('GET', '/admin/queues/view/', { headers: { accept: 'text/html' } });
    expect(board.status).toBe(303);
    for (const path of ['/admin/queues/view/api/queues', '/admin/queues/manage/api/queues']) {
      const script = await api.call('GET', path);
      expect(script.status, path).toBe(401);
      expect(script.json()).toMatchObject({ code: 'API_ERR_UNAUTHORIZED' });
    }
    const action = await api.call('PUT', '/admin/queues/manage/api/queues/account-sectigo/pause');
    expect(action.status).toBe(401);
    const wrong = await api.call('GET', '/admin/queues/view/api/queues', { token: `${TOKENS.read}0` });
    expect(wrong.status).toBe(401);
    const forged = await api.call('GET', '/admin/queues/view/api/queues', {
      headers: { cookie: 'revoker_session=made-up' },
    });
    expect(forged.status).toBe(401);

    const form = await api.call('GET', '/admin/login');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<form method="post" action="/admin/login">');
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('logs a read token in with an opaque HttpOnly SameSite=Strict cookie, to the read-only board', async () => {
    const refused = await login('not-a-token');
    expect(refused.status).toBe(401);
    expect(refused.cookie).toBeNull();
    expect(refused.text).toContain('That token is not one of api.tokens.');
    const noScope = await login(TOKENS.submit);
    expect(noScope.status).toBe(403);
    expect(noScope.text).toContain('needs the read or admin scope');

    const ok = await login(TOKENS.read);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/admin/queues');
    const cookie = ok.cookie ?? '';
    expect(cookie).toMatch(/^revoker_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/admin');
    for (const token of Object.values(TOKENS)) expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0] ?? '';

    const front = await api.call('GET', '/admin/queues', { headers: { cookie: session } });
    expect(front.status).toBe(303);
    expect(front.headers.get('location')).toBe('/admin/queues/view/');
    const html = await api.call('GET', '/admin/queues/view/', { headers: { cookie: session } });
    expect(html.status).toBe(200);
    expect(html.text).toContain('<title>revoker queues (read-only)</title>');
    expect(html.text).not.toContain('fonts.googleapis.com');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");

    const queues = await api.call('GET', '/admin/queues/view/api/queues', { headers: { cookie: session } });
    expect(queues.status).toBe(200);
    const listed = queues.json<{ queues: { name: string; readOnlyMode: boolean }[] }>().queues;
    expect(listed.map((q) => [q.name, q.readOnlyMode])).toEqual([
      ['account-sectigo', true],
      ['account-digicert', true],
      ['dead-letter', true],
    ]);
    // Read-only: Bull Board refuses the action; the admin board is not for this caller.
    const pause = await api.call('PUT', '/admin/queues/view/api/queues/account-sectigo/pause', {
      headers: { cookie: session },
    });
    expect(pause.status).toBe(405);
    const manage = await api.call('GET', '/admin/queues/manage/api/queues', { headers: { cookie: session } });
    expect(manage.status).toBe(403);
    expect(manage.json<{ message: string }>().message).toContain('"admin"');
    expect(await api.rig.revoker.accountQueue('sectigo').isPaused()).toBe(false);

    const out = await api.call('GET', '/admin/logout', { headers: { cookie: session } });
    expect(out.status).toBe(303);
    const after = await api.call('GET', '/admin/queues/view/api/queues', { headers: { cookie: session } });
    expect(after.status).toBe(401);
  });

  it('lets an admin act (pausing a queue on the board pauses it for every worker), within limits', async () => {
    const front = await api.call('GET', '/admin/queues', { token: TOKENS.admin });
    expect(front.headers.get('location')).toBe('/admin/queues/manage/');
    const queues = await api.call('GET', '/admin/queues/manage/api/queues', { token: TOKENS.admin });
    const listed = queues.json<{ queues: { name: string; readOnlyMode: boolean }[] }>().queues;
    expect(listed.map((q) => [q.name, q.readOnlyMode])).toEqual([
      ['account-sectigo', false],
      ['account-digicert', false],
      // No worker consumes it and a replay must reopen the record: read-only even here.
      ['dead-letter', true],
    ]);
    const pause = await api.call('PUT', '/admin/queues/manage/api/queues/account-sectigo/pause', {
      token: TOKENS.admin,
    });
    expect(pause.status).toBe(200);
    expect(await api.rig.revoker.accountQueue('sectigo').isPaused()).toBe(true);
    const resume = await api.call('PUT', '/admin/queues/manage/api/queues/account-sectigo/resume', {
      token: TOKENS.admin,
    });
    expect(resume.status).toBe(200);
    expect(await api.rig.revoker.accountQueue('sectigo').isPaused()).toBe(false);
    // Actions that would change what a job revokes, or bypass revoker's own controls: refused.
    for (const [method, path] of [
      ['PUT', '/admin/queues/manage/api/queues/account-sectigo/obliterate'],
      ['PUT', '/admin/queues/manage/api/queues/account-sectigo/empty'],
      ['PUT', '/admin/queues/manage/api/queues/account-sectigo/rate-limit'],
      ['PATCH', '/admin/queues/manage/api/queues/account-sectigo/some-job/update-data'],
      ['POST', '/admin/queues/manage/api/queues/account-sectigo/add'],
    ] as const) {
      const refused = await api.call(method, path, { token: TOKENS.admin, json: {} });
      expect(refused.status, path).toBe(403);
      expect(refused.text, path).toContain("refused on revoker's board");
    }
    const viewer = await api.call('PUT', '/admin/queues/manage/api/queues/account-sectigo/pause', {
      token: TOKENS.read,
    });
    expect(viewer.status).toBe(403);
    expect(await api.rig.revoker.accountQueue('sectigo').isPaused()).toBe(false);
  });

  it('sends a login only to a path of the dashboard', async () => {
    const answer = await api.call('POST', '/admin/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKENS.read, next: 'https://evil.example/' }).toString(),
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin/queues');
  });
});
