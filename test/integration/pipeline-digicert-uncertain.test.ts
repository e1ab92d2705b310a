/**
 * Uncertain DigiCert revokes are resolved by reading the order, not by re-sending blindly, and
 * a yes we cannot read is never recorded as a revoke:
 * - a revoke reset after it took effect: the retry reads the order, finds it revoked, and ends
 *   revoked (confirmed) with no second revoke sent;
 * - a revoke reset before it took effect: the order is still issued, so it is sent again;
 * - a 201 with an empty body (the `digicert-201-empty` sandbox variant) for a revoke that filed a
 *   request: the order is not revoked, so the item is dead-lettered DIGICERT_UNCONFIRMED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxVariant } from '../../src/sandbox/server.ts';
import {
  digicertOrder,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeOrderRow,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function run(
  order: Parameters<typeof digicertOrder>[1],
  options: { skipApproval: boolean; variants?: SandboxVariant[] },
) {
  rig = await startRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: { orders: [digicertOrder('8300', order)] },
      ...(options.variants ? { variants: options.variants } : {}),
    },
    digicert: { skipApproval: options.skipApproval },
  });
  await rig.startWorker({ accounts: ['digicert'] });
  const summary = await rig.revoker.producer.submit(rig.rows([revokeOrderRow('8300')]));
  await waitForFinal(rig.revoker, summary.batchId);
  const [item] = await reportOf(rig.revoker, summary.batchId);
  return { item, order: rig.sandbox.stats().orders['digicert:8300'] };
}

describe('pipeline: uncertain DigiCert revokes are read, not re-sent', () => {
  it('reset after the effect: the order is read, found revoked, and no second revoke is sent', async () => {
    const { item, order } = await run({ faults: ['resetAfterEffect'] }, { skipApproval: true });
    expect(item).toMatchObject({ outcome: 'revoked', confirmed: true });
    expect(order).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 2 });
    expect(order?.codes).toMatchObject({ 'fault:resetAfterEffect': 1, '200': 1 });
  });

  it('reset before the effect: the order is still issued, so the revoke is sent again', async () => {
    const { item, order } = await run({ faults: ['reset'] }, { skipApproval: true });
    expect(item).toMatchObject({ outcome: 'revoked' });
    expect(order).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 3 });
  });

  it('a 201 with an empty body is never a revoke: the order is read and the item ends DIGICERT_UNCONFIRMED', async () => {
    const { item, order } = await run({}, { skipApproval: false, variants: ['digicert-201-empty'] });
    expect(item).toMatchObject({ outcome: 'dead-lettered', code: 'DIGICERT_UNCONFIRMED' });
    expect(item?.message).toMatch(
      /a revoke request may be waiting for approval; check the order in CertCentral/,
    );
    expect(order).toMatchObject({ state: 'issued', successfulRevokes: 0 });
  });
});
