/**
 * A permanent answer that repeats across jobs (DigiCert 403: the key lacks a permission) halts
 * the account after ESCALATE_AFTER jobs in a row, instead of dead-lettering the whole batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ESCALATE_AFTER } from '../../src/queue/decide.ts';
import { DEMO_DIGICERT_USER_ACCOUNT } from '../../src/sandbox/accounts.ts';
import { eventually, type Rig, ROOMY_SANDBOX_LIMITS, reportOf, startRig } from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('pipeline: repeated account faults', () => {
  it('halts the account after 10 jobs in a row answered 403 and keeps the rest of the batch', async () => {
    const orders = Array.from({ length: 25 }, (_, i) => String(8100 + i));
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: orders.map((orderNumber) => ({
            vendor: 'digicert' as const,
            account: DEMO_DIGICERT_USER_ACCOUNT.name,
            orderNumber,
          })),
        },
      },
      // A key that may not skip approval: every revoke with skip_approval answers 403.
      env: { TEST_DIGICERT_KEY: DEMO_DIGICERT_USER_ACCOUNT.apiKey },
      digicert: { skipApproval: true, concurrency: 1 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows(
        orders.map((order_id) => ({
          account: 'digicert',
          operation: 'digicert.revokeOrder',
          order_id,
          comments: 'x',
        })),
      ),
    );
    await eventually(
      async () =>
        (await rig!.revoker.accountStatus()).some((s) => s.account === 'digicert' && s.state === 'halted'),
      'the account to halt',
    );
    const status = (await rig.revoker.accountStatus()).find((s) => s.account === 'digicert');
    expect(status?.halt?.reason).toMatch(/10 jobs in a row answered access_denied/);
    const counts = await rig.revoker.batches.counts(summary.batchId);
    expect(counts['dead-lettered']).toBe(ESCALATE_AFTER - 1);
    expect(counts['in-progress']).toBe(orders.length - (ESCALATE_AFTER - 1));
    expect(status?.counts.waiting).toBe(orders.length - (ESCALATE_AFTER - 1));
    const report = await reportOf(rig.revoker, summary.batchId);
    expect(
      report.filter((i) => i.outcome === 'dead-lettered').every((i) => i.code.startsWith('access_denied')),
    ).toBe(true);
  });
});
