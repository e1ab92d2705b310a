/**
 * Sectigo -16 means bad credentials or no permission for this order's context (the variant
 * `sectigo-permission-per-order` plays the second). The first -16 halts the account, keeping
 * every job. After `account resume`, the job that caused the halt runs once the account has made
 * a successful call; if it alone still gets -16 it is dead-lettered with the reason and the
 * account keeps running: no halt-resume-halt loop on one bad row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
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

const OURS = ['8401', '8402', '8403', '8404', '8405'];
/** An order of another Sectigo account (the docs' sample login): another context for ours. */
const FOREIGN = '8400';

describe('pipeline: a -16 that is one order’s, not the account’s', () => {
  it('halts once; after resume the job alone is dead-lettered and the rest revoked, the account running', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        variants: ['sectigo-permission-per-order'],
        seedData: {
          orders: [sectigoOrder(FOREIGN, { account: 'login_name' }), ...OURS.map((n) => sectigoOrder(n))],
        },
      },
      // One at a time, so the foreign order runs first and halts the account before the rest.
      sectigo: { concurrency: 1 },
    });
    await rig.startWorker({ accounts: ['sectigo'] });
    const { batchId } = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow(FOREIGN), ...OURS.map((n) => revokeSslRow(n))]),
    );
    const control = rig.revoker.account('sectigo');
    await eventually(async () => (await control.haltRecord()) !== undefined, 'the halt');
    const halt = await control.haltRecord();
    expect(halt).toMatchObject({ code: '-16' });
    expect(halt?.jobId).toContain(FOREIGN);
    expect(await rig.revoker.deadLetter.count()).toBe(0);

    // A person checks the credentials (they are right) and resumes.
    await control.resume();
    const counts = await waitForFinal(rig.revoker, batchId, 30_000);
    expect(counts).toMatchObject({ total: 6, revoked: 5, 'dead-lettered': 1 });
    const items = await reportOf(rig.revoker, batchId);
    const foreign = items.find((i) => i.jobId.includes(FOREIGN));
    expect(foreign).toMatchObject({ outcome: 'dead-lettered', code: '-16' });
    expect(foreign?.message).toMatch(/for this job alone.*credentials work/);
    // Never halted again: the account runs.
    expect(await control.haltRecord()).toBeUndefined();
    expect(rig.sandbox.state.find('sectigo', FOREIGN)?.state).toBe('issued');
  });

  it('a -16 of another job after the resume halts again (the credentials are the fault)', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: OURS.map((n) => sectigoOrder(n)) },
      },
      env: { TEST_SECTIGO_PASSWORD: 'wrong-password' },
      sectigo: { concurrency: 1 },
    });
    await rig.startWorker({ accounts: ['sectigo'] });
    await rig.revoker.producer.submit(rig.rows(OURS.map((n) => revokeSslRow(n))));
    const control = rig.revoker.account('sectigo');
    await eventually(async () => (await control.haltRecord()) !== undefined, 'the first halt');
    const first = (await control.haltRecord())!;
    // Resumed without fixing anything: the next -16 comes from a job that did not cause the halt
    // (the first one is deferred while others run), so the account halts again.
    await control.resume();
    await eventually(async () => {
      const again = await control.haltRecord();
      return again !== undefined && again.jobId !== first.jobId;
    }, 'a second halt, caused by another job');
    expect(await rig.revoker.deadLetter.count()).toBe(0);
  });
});
