/**
 * What stays in Redis: finished batches and their item records go once the retention period
 * has passed since the batch's last item finished; a record a kept batch still lists stays;
 * unfinished batches are never pruned. Single items from the library join one batch a day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openRevoker } from '../../src/open-revoker.ts';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
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

describe('retention and library batches', () => {
  it('prunes a finished batch past the cutoff, keeps records other batches list, never an unfinished one', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: ['7900', '7901', '7902'].map((n) => sectigoOrder(n)) },
      },
    });
    // Only the Sectigo account has a worker: the DigiCert item of batch C stays in progress.
    await rig.startWorker({ accounts: ['sectigo'] });
    const a = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7900'), revokeSslRow('7901')]));
    await waitForFinal(rig.revoker, a.batchId);
    const c = await rig.revoker.producer.submit(rig.rows([revokeOrderRow('555')]));
    await new Promise((r) => setTimeout(r, 50));
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    // B lists 7900 again (already finished) and a new item that finishes after the cutoff.
    const b = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7900'), revokeSslRow('7902')]));
    expect(b.alreadyFinished).toBe(1);
    await waitForFinal(rig.revoker, b.batchId);

    const dry = await rig.revoker.prune({ cutoff, dryRun: true });
    expect(dry).toMatchObject({ batches: [a.batchId], records: 1, unfinished: [c.batchId] });
    expect(await rig.revoker.batches.meta(a.batchId)).toBeDefined();

    const pruned = await rig.revoker.prune({ cutoff });
    expect(pruned).toMatchObject({ batches: [a.batchId], records: 1 });
    expect(await rig.revoker.batches.meta(a.batchId)).toBeUndefined();
    // 7901 was only A's; 7900 is still B's, and B's report is whole.
    const [only7901] = await rig.revoker.redis.hmget(
      rig.revoker.keys.results('sectigo'),
      'sectigo~sectigo.revokeSSL~orderNumber~7901',
    );
    expect(only7901).toBeNull();
    expect((await reportOf(rig.revoker, b.batchId)).map((i) => i.outcome)).toEqual(['revoked', 'revoked']);
    expect(await rig.revoker.batches.meta(c.batchId)).toBeDefined();
  });

  it('single items from the library join one batch a day per producer name', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('7950'), sectigoOrder('7951')] },
      },
    });
    await rig.startWorker();
    const events = await openRevoker(rig.config, { producerName: 'siem' });
    try {
      const one = await events.producer.revoke({
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        params: { orderNumber: '7950', revocationReason: 'key compromise' },
      });
      const two = await events.producer.revoke({
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        params: { orderNumber: '7951', revocationReason: 'key compromise' },
      });
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      expect(one.batchId).toBe(`lib-siem-${day}`);
      expect(two.batchId).toBe(one.batchId);
      expect(await waitForFinal(events, one.batchId)).toMatchObject({ total: 2, revoked: 2 });
      expect((await reportOf(events, one.batchId)).map((i) => i.jobId)).toEqual([one.jobId, two.jobId]);
      await expect(
        events.producer.revoke({
          account: 'nope',
          operation: 'sectigo.revokeSSL',
          params: { orderNumber: '1' },
        }),
      ).rejects.toMatchObject({ code: 'INPUT_ERR_INVALID' });
    } finally {
      await events.close();
    }
  });
});
