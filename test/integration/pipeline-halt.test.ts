/**
 * Halt: a worker with a wrong Sectigo password meets -16 "permission denied". The fault is the
 * account's, not the jobs': the account's queue is halted with the reason, no job is
 * dead-lettered, every job is kept, and the other account keeps working. After the password is
 * fixed (a new worker with the right secret) and the account resumed, every item ends revoked.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import {
  digicertOrder,
  eventually,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  startRig,
  TEST_ENV,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const SECTIGO_ORDERS = Array.from({ length: 10 }, (_, i) => String(6300 + i));

describe('pipeline: halt', () => {
  it('halts the account on -16, keeps every job, and finishes them after the fix and resume', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [...SECTIGO_ORDERS.map((n) => sectigoOrder(n)), digicertOrder('7300')] },
      },
      env: { TEST_SECTIGO_PASSWORD: 'wrong-password' },
      sectigo: { concurrency: 4 },
      digicert: { autoApprove: true },
    });
    const badWorker = await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([...SECTIGO_ORDERS.map((n) => revokeSslRow(n)), revokeOrderRow('7300')]),
    );
    expect(summary.enqueued).toBe(11);

    const sectigoStatus = async () =>
      (await rig!.revoker.accountStatus()).find((s) => s.account === 'sectigo')!;
    await eventually(
      async () => (await sectigoStatus()).state === 'halted',
      'the sectigo account halted',
      10_000,
    );
    // The DigiCert account is not the one at fault: its item goes through.
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId)).revoked === 1,
      'the DigiCert item revoked',
      10_000,
    );

    // Let the calls in flight when the halt came finish, then look: nothing moves any more.
    await eventually(
      async () => (await sectigoStatus()).counts.active === 0,
      'no sectigo job active',
      10_000,
    );
    const requestsAtHalt = rig.sandbox.stats().accounts[`sectigo:${DEMO_SECTIGO_ACCOUNT.loginName}`]!;
    await delay(700);
    const status = await sectigoStatus();
    expect(status.state).toBe('halted');
    expect(status.halt?.reason).toContain('-16');
    expect(status.halt?.code).toBe('-16');
    // Every job is kept: all ten wait in the queue, none completed, failed or dead-lettered.
    expect(status.counts).toMatchObject({ waiting: 10, active: 0, completed: 0, failed: 0 });
    expect(status.counts.waiting + status.counts.delayed).toBe(SECTIGO_ORDERS.length);
    expect(await rig.revoker.deadLetter.count()).toBe(0);
    const counts = await rig.revoker.batches.counts(summary.batchId);
    expect(counts).toMatchObject({ total: 11, revoked: 1, 'in-progress': 10, 'dead-lettered': 0 });

    // The vendor only ever said -16, and the halted account stopped calling it.
    const account = rig.sandbox.stats().accounts[`sectigo:${DEMO_SECTIGO_ACCOUNT.loginName}`]!;
    expect(account.codes).toEqual({ '-16': account.requests });
    expect(account.requests).toBe(requestsAtHalt.requests);
    // At most the calls that were in flight together before the first -16 came back.
    expect(account.requests).toBeLessThanOrEqual(4);
    for (const n of SECTIGO_ORDERS) expect(rig.sandbox.state.find('sectigo', n)?.state).toBe('issued');

    // The fix: the worker with the wrong secret goes, one with the right secret comes, resume.
    await badWorker.close();
    await rig.startWorker({ env: { ...TEST_ENV } });
    await rig.revoker.account('sectigo').resume();

    const final = await waitForFinal(rig.revoker, summary.batchId);
    expect(final).toMatchObject({ total: 11, revoked: 11, 'dead-lettered': 0 });
    expect((await sectigoStatus()).state).toBe('running');
    expect((await sectigoStatus()).halt).toBeUndefined();
    for (const item of await reportOf(rig.revoker, summary.batchId)) {
      expect(item.outcome).toBe('revoked');
    }
    const stats = rig.sandbox.stats();
    for (const n of SECTIGO_ORDERS) {
      expect(stats.orders[`sectigo:${n}`]).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    }
    expect(await rig.revoker.deadLetter.count()).toBe(0);
  });
});

describe('pipeline: halt (DigiCert)', () => {
  it('halts the DigiCert account on 401 invalid_api_key, keeps its jobs, finishes them after the fix', async () => {
    const orders = ['7310', '7311', '7312'];
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [...orders.map((n) => digicertOrder(n)), sectigoOrder('6310')] },
      },
      env: { TEST_DIGICERT_KEY: 'not-the-key' },
      digicert: { autoApprove: true, concurrency: 1 },
    });
    const badWorker = await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([...orders.map((n) => revokeOrderRow(n)), revokeSslRow('6310')]),
    );
    const digicertStatus = async () =>
      (await rig!.revoker.accountStatus()).find((s) => s.account === 'digicert')!;
    await eventually(
      async () => (await digicertStatus()).state === 'halted',
      'the digicert account halted',
      10_000,
    );
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId)).revoked === 1,
      'the Sectigo item revoked',
      10_000,
    );
    await eventually(
      async () => (await digicertStatus()).counts.active === 0,
      'no digicert job active',
      10_000,
    );
    const status = await digicertStatus();
    expect(status.halt).toMatchObject({ code: 'invalid_api_key' });
    expect(status.counts).toMatchObject({ waiting: 3, active: 0, completed: 0, failed: 0 });
    expect(await rig.revoker.deadLetter.count()).toBe(0);
    // The bad key never matched an account: the sandbox counts it under "(unknown)", one call only.
    expect(rig.sandbox.stats().accounts['digicert:(unknown)']).toMatchObject({
      requests: 1,
      codes: { '401 invalid_api_key': 1 },
    });

    await badWorker.close();
    await rig.startWorker({ env: { ...TEST_ENV } });
    await rig.revoker.account('digicert').resume();
    const final = await waitForFinal(rig.revoker, summary.batchId);
    expect(final).toMatchObject({ total: 4, revoked: 4, 'dead-lettered': 0 });
    for (const n of orders) {
      expect(rig.sandbox.controls.order('digicert', n)).toMatchObject({
        state: 'revoked',
        successfulRevokes: 1,
      });
    }
  });
});
