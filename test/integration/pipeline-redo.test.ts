/**
 * Doing failed work again: `submit --retry-dead-lettered` runs dead-lettered items with the new
 * row's parameters and resolves their entries; a purged item runs afresh on a later submit; two
 * `dlq replay --all` at once replay each entry exactly once and neither aborts.
 */
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeSslRow,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
const others: Revoker[] = [];
afterEach(async () => {
  for (const r of others.splice(0)) await r.close();
  await rig?.close();
  rig = undefined;
});

/** More -14s than the rig's two attempts allow: each order dead-letters once, then works. */
const flaky = (n: string) => sectigoOrder(n, { faults: ['unknownError', 'unknownError'] });

async function jobData(revoker: Revoker, jobId: string) {
  const address = revoker.keys.accountQueue('sectigo');
  const queue = new Queue(address.name, { connection: revoker.redis, prefix: address.prefix });
  try {
    return (await queue.getJob(jobId))?.data;
  } finally {
    await queue.close();
  }
}

describe('pipeline: doing failed work again', () => {
  it('--retry-dead-lettered runs the fixed row again; without it the outcome is reported, no call', async () => {
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: [flaky('7300')] } },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    await rig.startWorker();
    const first = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('7300', { revocationReason: 'typo' })]),
    );
    expect(await waitForFinal(rig.revoker, first.batchId)).toMatchObject({ 'dead-lettered': 1 });
    const [item] = await reportOf(rig.revoker, first.batchId);
    const calls = () => rig!.sandbox.stats().orders['sectigo:7300']?.calls;
    expect(calls()).toBe(2);

    const fixed = [revokeSslRow('7300', { revocationReason: 'key compromise, fixed' })];
    const plain = await rig.revoker.producer.submit(rig.rows(fixed));
    expect(plain).toMatchObject({ enqueued: 0, alreadyFinished: 1, retried: 0 });
    expect((await reportOf(rig.revoker, plain.batchId))[0]).toMatchObject({ outcome: 'dead-lettered' });
    expect(calls()).toBe(2);

    const again = await rig.revoker.producer.submit(rig.rows(fixed), { retryDeadLettered: true });
    expect(again).toMatchObject({ enqueued: 0, alreadyFinished: 0, retried: 1 });
    expect(await waitForFinal(rig.revoker, again.batchId)).toMatchObject({ revoked: 1 });
    expect(rig.sandbox.stats().orders['sectigo:7300']).toMatchObject({ calls: 3, successfulRevokes: 1 });
    // The new row's parameters ran; the entry is resolved; the first batch's report agrees.
    expect((await jobData(rig.revoker, item!.jobId))?.params).toMatchObject({
      revocationReason: 'key compromise, fixed',
    });
    expect(await rig.revoker.deadLetter.count()).toBe(0);
    expect((await reportOf(rig.revoker, first.batchId))[0]).toMatchObject({ outcome: 'revoked' });
  });

  it('a purged item stays dead-lettered in its report and runs afresh on a later submit', async () => {
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: [flaky('7310')] } },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    await rig.startWorker();
    const first = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7310')]));
    await waitForFinal(rig.revoker, first.batchId);
    expect(await rig.revoker.deadLetter.purge()).toBe(1);
    expect((await reportOf(rig.revoker, first.batchId))[0]).toMatchObject({ outcome: 'dead-lettered' });

    const later = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7310')]));
    expect(later).toMatchObject({ retried: 1, alreadyFinished: 0 });
    expect(await waitForFinal(rig.revoker, later.batchId)).toMatchObject({ revoked: 1 });
  });

  it('two dlq replays of every entry at once: each entry replayed once, true counts, no abort', async () => {
    const N = 300;
    const numbers = Array.from({ length: N }, (_, i) => String(7400 + i));
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: numbers.map(flaky) } },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    const worker = await rig.startWorker();
    const batch = await rig.revoker.producer.submit(rig.rows(numbers.map((n) => revokeSslRow(n))));
    expect(await waitForFinal(rig.revoker, batch.batchId, 30_000)).toMatchObject({ 'dead-lettered': N });
    await worker.close();

    const second = await openRevoker(rig.config);
    others.push(second);
    const replayAll = async (revoker: Revoker) => {
      const totals = { replayed: 0, skipped: 0, failed: 0 };
      for await (const ids of revoker.deadLetter.ids()) {
        const r = await revoker.deadLetter.replay(ids, { fromListing: true });
        totals.replayed += r.replayed.length;
        totals.skipped += r.skipped.length;
        totals.failed += r.failed.length;
      }
      return totals;
    };
    const [a, b] = await Promise.all([replayAll(rig.revoker), replayAll(second)]);
    expect(a.replayed + b.replayed).toBe(N);
    expect(a.failed + b.failed).toBe(0);
    expect(await rig.revoker.deadLetter.count()).toBe(0);

    await rig.startWorker();
    expect(await waitForFinal(rig.revoker, batch.batchId, 30_000)).toMatchObject({ revoked: N });
    for (const n of numbers) {
      // Two failed attempts, then exactly one replayed call.
      expect(rig.sandbox.stats().orders[`sectigo:${n}`]).toMatchObject({ calls: 3, successfulRevokes: 1 });
    }
  });
});
