/**
 * revoker serve, dead-letter and accounts: entries listed a page at a time, one replayed, every
 * one of an account replayed (each is claimed, so it runs once), 404 for an unknown entry; an
 * account halted by a wrong password shown halted with its reason, then resumed over HTTP after
 * the fix so its kept jobs run; 404 for an unknown account.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import {
  eventually,
  ROOMY_SANDBOX_LIMITS,
  revokeSslRow,
  sectigoOrder,
  TEST_ENV,
  waitForFinal,
} from '../support/pipeline.ts';

let api: ApiRig | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

interface Page {
  total: number;
  offset: number;
  limit: number;
  nextOffset?: number;
  entries: {
    jobId: string;
    account: string;
    reason: string;
    deadLetteredAt: string;
    attempts: { at: string; code: string }[];
  }[];
}

describe('revoker serve: dead-letter', () => {
  it('lists entries a page at a time, replays one, then every entry of an account', async () => {
    api = await startApiRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        // Revoked already, with no earlier attempt of ours: -21 is permanent, dead-lettered.
        seedData: { orders: ['4401', '4402', '4403'].map((n) => sectigoOrder(n, { state: 'revoked' })) },
      },
    });
    const rig = api.rig;
    await rig.startWorker();
    const { batchId } = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('4401'), revokeSslRow('4402'), revokeSslRow('4403')]),
    );
    expect(await waitForFinal(rig.revoker, batchId)).toMatchObject({ 'dead-lettered': 3 });
    await eventually(async () => (await rig.revoker.deadLetter.count()) === 3, 'three dead-letter entries');

    const first = await api.call('GET', '/v1/dead-letter?limit=2', { token: TOKENS.read });
    expect(first.status).toBe(200);
    const page1 = first.json<Page>();
    expect(page1).toMatchObject({ total: 3, offset: 0, limit: 2, nextOffset: 2 });
    expect(page1.entries).toHaveLength(2);
    expect(page1.entries[0]?.attempts[0]?.code).toBe('-21');
    expect(Date.parse(page1.entries[0]?.deadLetteredAt ?? '')).not.toBeNaN();
    const page2 = (
      await api.call('GET', '/v1/dead-letter?limit=2&offset=2', { token: TOKENS.read })
    ).json<Page>();
    expect(page2.entries).toHaveLength(1);
    expect(page2.nextOffset).toBeUndefined();
    const listed = [...page1.entries, ...page2.entries].map((e) => e.jobId).sort();
    expect(listed).toEqual(['4401', '4402', '4403'].map((n) => `sectigo~sectigo.revokeSSL~orderNumber~${n}`));
    expect(
      (await api.call('GET', '/v1/dead-letter?account=digicert', { token: TOKENS.read })).json<Page>()
        .entries,
    ).toEqual([]);
    const badLimit = await api.call('GET', '/v1/dead-letter?limit=0', { token: TOKENS.read });
    expect(badLimit.status).toBe(400);

    // The cause is fixed at the vendor (the order is issued again, as if restored): a replay revokes it.
    const one = listed[0]!;
    const order = rig.sandbox.state.find('sectigo', one.split('~').at(-1)!);
    if (!order) throw new Error('the seeded order is missing');
    order.state = 'issued';
    const replayed = await api.call('POST', `/v1/dead-letter/${encodeURIComponent(one)}/replay`, {
      token: TOKENS.admin,
    });
    expect(replayed.status).toBe(200);
    expect(replayed.json()).toEqual({ replayed: [one], skipped: [], failed: [] });
    const unknown = await api.call('POST', '/v1/dead-letter/sectigo~sectigo.revokeSSL~orderNumber~9/replay', {
      token: TOKENS.admin,
    });
    expect(unknown.status).toBe(404);

    const all = await api.call('POST', '/v1/dead-letter/replay', {
      token: TOKENS.admin,
      json: { account: 'sectigo' },
    });
    expect(all.status).toBe(200);
    expect(all.json()).toMatchObject({ replayed: 2, skipped: 0, failed: [] });
    await eventually(async () => {
      const item = (
        await api!.call('GET', `/v1/items/${encodeURIComponent(one)}`, { token: TOKENS.read })
      ).json();
      return item.outcome === 'revoked';
    }, 'the replayed item revoked');
    // The other two ran again (their orders are still revoked: dead-lettered again, two attempts on record).
    for (const jobId of listed.slice(1)) {
      await eventually(async () => {
        const item = (
          await api!.call('GET', `/v1/items/${encodeURIComponent(jobId)}`, { token: TOKENS.read })
        ).json();
        return item.outcome === 'dead-lettered' && item.attempts === 2;
      }, `${jobId} replayed and dead-lettered again`);
    }
    const wrongBody = await api.call('POST', '/v1/dead-letter/replay', {
      token: TOKENS.admin,
      json: { acount: 'sectigo' },
    });
    expect(wrongBody.status).toBe(422);
    expect(wrongBody.json<{ message: string }>().message).toContain('acount');
  });
});

describe('revoker serve: accounts', () => {
  it('shows a halted account with its reason, and resumes it over HTTP after the fix', async () => {
    api = await startApiRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('4501'), sectigoOrder('4502')] },
      },
      env: { TEST_SECTIGO_PASSWORD: 'a-wrong-password-for-the-halt' },
    });
    const rig = api.rig;
    const bad = await rig.startWorker();
    const { batchId } = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('4501'), revokeSslRow('4502')]),
    );
    type Accounts = {
      accounts: { account: string; state: string; halt?: { reason: string; code: string; at: string } }[];
    };
    let sectigo: Accounts['accounts'][number] | undefined;
    await eventually(async () => {
      const answer = await api!.call('GET', '/v1/accounts', { token: TOKENS.read });
      sectigo = answer.json<Accounts>().accounts.find((a) => a.account === 'sectigo');
      return sectigo?.state === 'halted';
    }, 'the account halted');
    expect(sectigo?.halt).toMatchObject({ code: '-16' });
    expect(Date.parse(sectigo?.halt?.at ?? '')).not.toBeNaN();

    // The fix: a worker with the right password; then resume over HTTP.
    await bad.close();
    await rig.startWorker({ env: { ...TEST_ENV } });
    const resumed = await api.call('POST', '/v1/accounts/sectigo/resume', { token: TOKENS.admin });
    expect(resumed.status).toBe(200);
    expect(resumed.json()).toMatchObject({ account: 'sectigo', state: 'running' });
    expect(resumed.json<Record<string, unknown>>().halt).toBeUndefined();
    expect(await waitForFinal(rig.revoker, batchId)).toMatchObject({ revoked: 2 });

    const unknown = await api.call('POST', '/v1/accounts/nobody/resume', { token: TOKENS.admin });
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
  });
});
