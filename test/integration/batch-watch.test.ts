/**
 * The batch watch finds batches whose every item is final: a submitted batch once its items end,
 * and a batch of the day (single items from the library or the API) only once its day (UTC) is
 * over, since more items may join it until then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBatchReader } from '../../src/queue/batch-report.ts';
import { createBatchStore } from '../../src/queue/batch-store.ts';
import { findFinishedBatches } from '../../src/queue/batch-watch.ts';
import { createResultStore } from '../../src/queue/result-store.ts';
import { type Rig, revokeSslRow, sectigoOrder, startRig, waitForFinal } from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const DAY_MS = 86_400_000;

describe('batch watch', () => {
  it('finds a batch of the day finished only once its day is over', async () => {
    rig = await startRig({ sandbox: { seedData: { orders: [sectigoOrder('8501')] } } });
    await rig.startWorker({ accounts: ['sectigo'] });
    const { batchId } = await rig.revoker.producer.revoke({
      account: 'sectigo',
      operation: 'sectigo.revokeSSL',
      params: { orderNumber: '8501', revocationReason: 'key compromise' },
    });
    expect(batchId).toMatch(/^lib-library-\d{8}$/);
    await waitForFinal(rig.revoker, batchId);

    const { redis, keys } = rig.revoker;
    const batches = createBatchStore(redis, keys);
    const results = createResultStore(redis, keys);
    const deps = { redis, keys, batches, results, reader: createBatchReader(batches, results) };
    expect(await findFinishedBatches(deps, Date.now())).toEqual([]);
    const tomorrow = await findFinishedBatches(deps, Date.now() + DAY_MS);
    expect(tomorrow.map((b) => [b.batchId, b.counts.revoked])).toEqual([[batchId, 1]]);
  });

  it('finds a submitted batch once its items are final', async () => {
    rig = await startRig({ sandbox: { seedData: { orders: [sectigoOrder('8502')] } } });
    await rig.startWorker({ accounts: ['sectigo'] });
    const { batchId } = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8502')]));
    await waitForFinal(rig.revoker, batchId);
    const { redis, keys } = rig.revoker;
    const batches = createBatchStore(redis, keys);
    const results = createResultStore(redis, keys);
    const found = await findFinishedBatches(
      { redis, keys, batches, results, reader: createBatchReader(batches, results) },
      Date.now(),
    );
    expect(found.map((b) => b.batchId)).toEqual([batchId]);
  });
});
