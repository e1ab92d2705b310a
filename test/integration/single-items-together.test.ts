/**
 * Single items sent at once (an API under load, a pipeline firing events in a burst): the items
 * one turn of the event loop hands the producer join the batch of the day in one script run
 * (producer.ts joinDay). Each caller still gets its own answer: the invalid item alone is refused,
 * a repeat is the same job, an item already revoked says so and is not enqueued, and every other
 * item is listed, counted, enqueued once and revoked once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Rig, reportOf, sectigoOrder, startRig, waitForFinal } from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const orders = Array.from({ length: 24 }, (_, i) => String(8600 + i));
const item = (orderNumber: string) => ({
  account: 'sectigo',
  operation: 'sectigo.revokeSSL' as const,
  params: { orderNumber, revocationReason: 'key compromise' },
});

describe('single items sent together', () => {
  it('answers each of a burst on its own, and revokes every valid item once', async () => {
    rig = await startRig({ sandbox: { seedData: { orders: orders.map((n) => sectigoOrder(n)) } } });
    const { producer } = rig.revoker;
    // One item finished before the burst: the burst's copy of it must say so and add no job.
    const early = await producer.revoke(item(orders[0]!));
    const worker = await rig.startWorker({ accounts: ['sectigo'] });
    await waitForFinal(rig.revoker, early.batchId);
    await worker.close();

    // All in one turn: the producer runs them as one join.
    const burst = [
      ...orders.map((n) => producer.revoke(item(n))),
      producer.revoke(item(orders[1]!)),
      producer.revoke({ account: 'sectigo', operation: 'sectigo.revokeSSL', params: { orderNumber: 'x' } }),
    ];
    const settled = await Promise.allSettled(burst);
    const refused = settled.at(-1);
    expect(refused?.status).toBe('rejected');
    expect(refused?.status === 'rejected' && (refused.reason as Error).message).toMatch(/orderNumber/);
    const answers = settled.slice(0, -1).map((s) => {
      if (s.status !== 'fulfilled') throw s.reason;
      return s.value;
    });
    expect(answers.map((a) => a.jobId)).toEqual(
      [...orders, orders[1]].map((n) => `sectigo~sectigo.revokeSSL~orderNumber~${n}`),
    );
    expect(new Set(answers.map((a) => a.batchId))).toEqual(new Set([early.batchId]));
    expect(answers[0]).toMatchObject({ outcome: 'revoked', enqueued: 0, alreadyFinished: 1 });
    expect(answers.slice(1).every((a) => a.outcome === 'in-progress' && a.enqueued === 1)).toBe(true);

    // Nothing of the refused item reached Redis; the rest is there once per job.
    const queue = rig.revoker.accountQueue('sectigo');
    expect(await queue.getJobCountByTypes('wait', 'prioritized', 'delayed')).toBe(orders.length - 1);
    await rig.startWorker({ accounts: ['sectigo'] });
    const counts = await waitForFinal(rig.revoker, early.batchId);
    // The batch counts every join, as a file counts a repeated row: 24 items, two of them twice.
    expect(counts).toMatchObject({ total: orders.length + 2, revoked: orders.length + 2 });
    const report = await reportOf(rig.revoker, early.batchId);
    expect(new Set(report.map((r) => r.jobId)).size).toBe(orders.length);
    for (const n of orders) {
      expect(rig.sandbox.stats().orders[`sectigo:${n}`]).toMatchObject({
        state: 'revoked',
        successfulRevokes: 1,
      });
    }
  });
});
