/**
 * sectigo.replaceSMIME end to end with a real PKCS#10 request: the item ends `replaced` with the
 * new order number the vendor created; with revokeOldOrder Y the old certificate is revoked at
 * the vendor, with N it stays issued.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MadeCsr, makeCsr } from '../../src/sandbox/make-csr.ts';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

// Real PKCS#10 requests (@peculiar/x509): an RSA and an EC key, as PEM.
let csrs: MadeCsr[] = [];
beforeAll(async () => {
  csrs = await Promise.all([makeCsr({ keyType: 'rsa-2048' }), makeCsr({ keyType: 'ec-p256' })]);
});

const replaceRow = (orderNumber: string, csr: string, revokeOldOrder: 'Y' | 'N') => ({
  account: 'sectigo',
  operation: 'sectigo.replaceSMIME',
  orderNumber,
  csr,
  revokeOldOrder,
});

describe('pipeline: replaceSMIME', () => {
  it('replaces with a real CSR: new order number in the report; Y revokes the old order, N keeps it', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [sectigoOrder('6800', { product: 'smime' }), sectigoOrder('6801', { product: 'smime' })],
        },
      },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([replaceRow('6800', csrs[0]!.pem, 'Y'), replaceRow('6801', csrs[1]!.pem, 'N')]),
    );
    expect(summary).toMatchObject({ valid: 2, enqueued: 2 });
    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 2, replaced: 2 });

    const [withRevoke, withoutRevoke] = await reportOf(rig.revoker, summary.batchId);
    for (const [item, old] of [
      [withRevoke!, '6800'],
      [withoutRevoke!, '6801'],
    ] as const) {
      expect(item).toMatchObject({
        outcome: 'replaced',
        code: '0',
        operation: 'sectigo.replaceSMIME',
        attempts: 1,
      });
      expect(item.newOrderNumber).toMatch(/^\d+$/);
      expect(item.newOrderNumber).not.toBe(old);
      // The number in the report is the order the vendor created from this one.
      const created = rig.sandbox.controls.order('sectigo', item.newOrderNumber)!;
      expect(created).toMatchObject({ state: 'issued', replaces: old, account: 'revoker-demo' });
      expect(rig.sandbox.controls.order('sectigo', old)!.replacedBy).toEqual([item.newOrderNumber]);
    }
    expect(withRevoke!.newOrderNumber).not.toBe(withoutRevoke!.newOrderNumber);
    expect(rig.sandbox.controls.order('sectigo', '6800')).toMatchObject({
      state: 'revoked',
      successfulRevokes: 1,
    });
    expect(rig.sandbox.controls.order('sectigo', '6801')).toMatchObject({
      state: 'issued',
      successfulRevokes: 0,
    });
    const stats = rig.sandbox.stats();
    expect(stats.orders['sectigo:6800']).toMatchObject({ calls: 1, replacements: 1 });
    expect(stats.orders['sectigo:6801']).toMatchObject({ calls: 1, replacements: 1 });
  });

  // The ambiguity rule's replace side. A replacement is not idempotent: a retry after a call that
  // may have taken effect asks the vendor for another new certificate (N), or hears -21 about the
  // old order the lost call revoked (Y). Either way the item must not claim what did not happen.
  async function replaceAfterLostAnswer(revokeOldOrder: 'Y' | 'N') {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('6810', { product: 'smime', faults: ['resetAfterEffect'] })] },
      },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([replaceRow('6810', csrs[0]!.pem, revokeOldOrder)]),
    );
    await waitForFinal(rig.revoker, summary.batchId);
    const [item] = await reportOf(rig.revoker, summary.batchId);
    return { item: item!, order: rig.sandbox.stats().orders['sectigo:6810']! };
  }

  it('replace (revokeOldOrder N) whose call took effect before the connection reset is not replaced twice', async () => {
    const { item, order } = await replaceAfterLostAnswer('N');
    // The vendor made the replacement on the first call; a second one is a certificate nobody asked for.
    expect(order.replacements, `replacements of 6810; the item says ${item.outcome} ${item.code}`).toBe(1);
    if (item.newOrderNumber !== '') {
      expect(rig!.sandbox.controls.order('sectigo', item.newOrderNumber)?.replaces).toBe('6810');
    }
  });

  it('replace (revokeOldOrder Y) whose call took effect before the connection reset is not recorded as a plain -21 failure', async () => {
    const { item, order } = await replaceAfterLostAnswer('Y');
    expect(order).toMatchObject({ replacements: 1, state: 'revoked', successfulRevokes: 1 });
    // The replacement happened (and revoked the old order): "dead-lettered, -21 already revoked",
    // as if the replace had failed, with the new order number lost, is not a true record.
    expect(
      item.outcome === 'dead-lettered' && item.code === '-21',
      `recorded as ${item.outcome} ${item.code}: ${item.message}`,
    ).toBe(false);
  });
});
