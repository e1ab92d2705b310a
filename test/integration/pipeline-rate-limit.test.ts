/**
 * Rate limits slow a batch down; they never fail it. The sandbox's account limit is set lower
 * than the limit our config trusts, so the vendor answers -42 (Sectigo) or 429 (DigiCert); the
 * account's queue waits (the configured wait, or DigiCert's Retry-After) and every item still
 * ends revoked, with no dead-letter and no attempt charged for a refused call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import {
  digicertOrder,
  type Rig,
  reportOf,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const SANDBOX_LIMIT = [{ max: 5, durationMs: 1000 }];
const numbers = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

async function digicertRun(options: { retryAfter?: number; rateLimitWaitMs: number }) {
  const orders = numbers(7100, 8);
  rig = await startRig({
    sandbox: {
      seedData: {
        accounts: {
          sectigo: [DEMO_SECTIGO_ACCOUNT],
          digicert: [
            {
              ...DEMO_DIGICERT_ACCOUNT,
              rateLimits: SANDBOX_LIMIT,
              ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
            },
          ],
        },
        orders: orders.map((n) => digicertOrder(n)),
      },
    },
    // Two calls per item (revoke, then approve): the approve step meets 429s too.
    digicert: {
      rateLimit: { max: 50, durationMs: 1000 },
      rateLimitWaitMs: options.rateLimitWaitMs,
      autoApprove: true,
    },
    retry: { attempts: 2 },
  });
  await rig.startWorker();
  const summary = await rig.revoker.producer.submit(rig.rows(orders.map((n) => revokeOrderRow(n))));
  const counts = await waitForFinal(rig.revoker, summary.batchId, 20_000);
  expect(counts).toMatchObject({ total: orders.length, revoked: orders.length, 'dead-lettered': 0 });
  expect(await rig.revoker.deadLetter.count()).toBe(0);
  const report = await reportOf(rig.revoker, summary.batchId);
  for (const item of report) expect(item.requestId).toMatch(/^\d+$/);
  const stats = rig.sandbox.stats();
  for (const n of orders) {
    expect(stats.orders[`digicert:${n}`]).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    // One revoke request and one approval per order: a 429 on either step did not repeat the other.
    expect(stats.orders[`digicert:${n}`]!.codes).toEqual({ '201': 1, '204': 1 });
  }
  const account = stats.accounts[`digicert:${DEMO_DIGICERT_ACCOUNT.name}`]!;
  expect(account.codes['429 request_limit_exceeded']).toBeGreaterThan(0);
  expect(account.overLimit).toBe(account.codes['429 request_limit_exceeded']);
  return { account, report };
}

describe('pipeline: rate limits', () => {
  it('Sectigo -42: the account waits and every item still ends revoked, none dead-lettered', async () => {
    const orders = numbers(6200, 15);
    rig = await startRig({
      sandbox: { rateLimits: SANDBOX_LIMIT, seedData: { orders: orders.map((n) => sectigoOrder(n)) } },
      sectigo: { rateLimit: { max: 50, durationMs: 1000 }, rateLimitWaitMs: 300 },
      // Fewer attempts than the -42s most items meet: a -42 charged as an attempt would dead-letter.
      retry: { attempts: 2 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows(orders.map((n) => revokeSslRow(n))));
    const counts = await waitForFinal(rig.revoker, summary.batchId, 20_000);

    expect(counts).toMatchObject({ total: 15, revoked: 15, 'dead-lettered': 0, 'in-progress': 0 });
    expect(await rig.revoker.deadLetter.count()).toBe(0);
    const stats = rig.sandbox.stats();
    const account = stats.accounts[`sectigo:${DEMO_SECTIGO_ACCOUNT.loginName}`]!;
    // The vendor did refuse calls: the test exercised the limit, not a quiet path.
    expect(account.codes['-42']).toBeGreaterThanOrEqual(5);
    expect(account.overLimit).toBe(account.codes['-42']);
    expect(account.codes['0']).toBe(15);
    for (const n of orders) {
      expect(stats.orders[`sectigo:${n}`]).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    }
    // A refused call is not an attempt: each item's record holds its one real call.
    for (const item of await reportOf(rig.revoker, summary.batchId)) {
      expect(item).toMatchObject({ outcome: 'revoked', code: '0', attempts: 1 });
    }
  });

  it('DigiCert 429 without Retry-After: waits the configured time, every item revoked', async () => {
    await digicertRun({ rateLimitWaitMs: 300 });
  });

  it('DigiCert 429 with Retry-After: honours it (few refusals despite a short default wait)', async () => {
    // The default wait is tiny: an account that ignored Retry-After would come back 20 times a
    // second and collect 429s; honouring "Retry-After: 1" it comes back once the window has room.
    const honoured = await digicertRun({ retryAfter: 1, rateLimitWaitMs: 20 });
    expect(honoured.account.overLimit).toBeLessThanOrEqual(HONOURED_MAX_429);
  });

  it('control for the Retry-After test: the same run without Retry-After collects many more 429s', async () => {
    const ignored = await digicertRun({ rateLimitWaitMs: 20 });
    expect(ignored.account.overLimit).toBeGreaterThan(HONOURED_MAX_429);
  });
});

// Eight items, two calls each, five calls a second: about four windows. With Retry-After
// honoured every window sees about one burst of refusals (≤ the items in flight): about 15 in
// all. Ignoring it, a 20 ms wait collects over 300.
const HONOURED_MAX_429 = 60;
