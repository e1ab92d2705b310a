/**
 * What a person sees, in a real browser (headless Chromium driven by playwright-core), with a
 * batch in flight (the sandbox, a worker held to 2 calls a second, 40 items submitted over HTTP):
 * the dashboard sends them to the login page; a `read` token logs in; the read-only board lists
 * the account queues and the dead-letter queue with jobs waiting, shows the jobs of a queue and
 * offers no action; the API reference page shows the routes. Every request the pages make goes
 * to this server. Screenshots: test-artifacts/*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import { type Browser, startBrowser } from '../support/browser.ts';
import { ROOMY_SANDBOX_LIMITS, sectigoOrder } from '../support/pipeline.ts';

const ORDERS = Array.from({ length: 40 }, (_, i) => String(4700 + i));

let api: ApiRig;
let browser: Browser;
/** Every URL the pages asked for. */
const requested: string[] = [];

beforeAll(async () => {
  api = await startApiRig({
    sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: ORDERS.map((n) => sectigoOrder(n)) } },
    // Slow on purpose: the batch is still in flight while the browser looks.
    sectigo: { rateLimit: { max: 2, durationMs: 1000 }, concurrency: 2 },
  });
  await api.rig.startWorker();
  const posted = await api.call('POST', '/v1/batches?batchId=browser-batch', {
    token: TOKENS.submit,
    headers: { 'content-type': 'application/x-ndjson' },
    body: ORDERS.map((n) =>
      JSON.stringify({
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        orderNumber: n,
        revocationReason: 'kc',
      }),
    ).join('\n'),
  });
  expect(posted.status).toBe(202);
  browser = await startBrowser();
  browser.context.on('request', (request) => requested.push(request.url()));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('in a browser', () => {
  it('logs in with a read token and sees the read-only dashboard with the batch in flight', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${api.url}/admin/queues`);
    // Not logged in: the login page.
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expect
      .poll(() => page.getByRole('heading', { name: 'revoker queue dashboard' }).isVisible())
      .toBe(true);
    await page.screenshot({ path: browser.artifact('dashboard-1-login'), fullPage: true });

    // A wrong token: said so, still on the login page.
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('That token is not one of api.tokens.');

    await page.getByLabel('API token').fill(TOKENS.read);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${api.url}/admin/queues/view/`);
    await expect.poll(() => page.title()).toBe('revoker queues (read-only)');
    const body = page.locator('body');
    await expect.poll(() => body.innerText(), { timeout: 15_000 }).toContain('account sectigo');
    const text = await body.innerText();
    expect(text).toContain('account digicert');
    expect(text).toContain('dead-letter queue');
    // The batch's 40 jobs are in the account's queue (waiting, active or done by now).
    expect(text).toContain('40 Jobs');
    await page.screenshot({ path: browser.artifact('dashboard-2-queues'), fullPage: true });

    // The session cookie: HttpOnly (no script reads it), SameSite=Strict, not the token.
    const cookies = await browser.context.cookies(`${api.url}/admin/queues/`);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
      ['revoker_session', true, 'Strict'],
    ]);
    expect(cookies[0]?.value).not.toContain(TOKENS.read);
    expect(await page.evaluate('document.cookie')).toBe('');

    // The account's queue: its jobs, waiting while the worker works at 2 a second.
    await page.getByText('account sectigo').first().click();
    await expect
      .poll(() => body.innerText(), { timeout: 15_000 })
      .toContain('sectigo~sectigo.revokeSSL~orderNumber~');
    await page.screenshot({ path: browser.artifact('dashboard-3-sectigo-jobs') });
    const jobsText = await body.innerText();
    expect(jobsText).toMatch(/sectigo~sectigo\.revokeSSL~orderNumber~47\d\d/);
    // Read-only: no button acts on the queue or its jobs.
    for (const action of ['Pause', 'Clean', 'Retry', 'Empty', 'Obliterate', 'Add job']) {
      expect(await page.getByRole('button', { name: action, exact: true }).count(), action).toBe(0);
    }
    const counts = await api.rig.revoker.batches.counts('browser-batch');
    expect(counts['in-progress'], 'the batch is still in flight').toBeGreaterThan(0);
    await page.close();
  });

  it('shows the API reference with the routes', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${api.url}/docs/`);
    const body = page.locator('body');
    await expect.poll(() => body.innerText(), { timeout: 15_000 }).toContain('revoker API');
    const text = await body.innerText();
    for (const route of [
      '/v1/items',
      '/v1/batches',
      '/v1/batches/{id}/report',
      '/v1/dead-letter',
      '/v1/accounts',
      '/readyz',
    ]) {
      expect(text, route).toContain(route);
    }
    expect(text).toContain('Revoke or replace one certificate');
    await page.screenshot({ path: browser.artifact('api-reference'), fullPage: true });
    await page.close();
  });

  it('loaded every page and asset from this server only', () => {
    expect(requested.length).toBeGreaterThan(5);
    const foreign = requested.filter((url) => !url.startsWith(`${api.url}/`) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
  });
});
