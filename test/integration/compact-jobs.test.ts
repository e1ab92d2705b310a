/**
 * Compact job data (src/queue/compact-job-data.ts) on a real Redis with the real worker: a
 * batch's waiting jobs fit Redis's small hash encoding and cost at most 600 bytes an item; jobs in
 * the full form (enqueued by an earlier version, with BullMQ attempts and backoff) still run and
 * retry; a compact job whose parameter set is gone is dead-lettered, never sent with guesses.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The budget for a queued, not yet finished item. */
const QUEUED_BYTES_PER_ITEM = 600;

describe('compact jobs', () => {
  it('a queued batch costs Redis at most 600 bytes an item, every job hash in the small encoding', async () => {
    rig = await startRig();
    const rows = 2000;
    const orderNumbers = Array.from({ length: rows }, (_, i) => String(7_000_000 + i));
    const summary = await rig.revoker.producer.submit(rig.rows(orderNumbers.map((n) => revokeSslRow(n))));
    expect(summary.enqueued).toBe(rows);

    const redis = rig.revoker.redis;
    const queuePrefix = rig.revoker.keys.accountQueue('sectigo').prefix;
    const jobKey = (n: string) => `${queuePrefix}:account-sectigo:sectigo~sectigo.revokeSSL~orderNumber~${n}`;
    let bytes = 0;
    for (const n of orderNumbers) {
      bytes += Number(await redis.call('MEMORY', 'USAGE', jobKey(n), 'SAMPLES', '0'));
      expect(await redis.call('OBJECT', 'ENCODING', jobKey(n))).toBe('listpack');
    }
    // What else grows with the items: the wait list, the batch's item list and parameter sets.
    for (const key of [
      `${queuePrefix}:account-sectigo:wait`,
      rig.revoker.keys.batchItems(summary.batchId),
      rig.revoker.keys.batchParams(summary.batchId),
    ]) {
      bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    }
    expect(bytes / rows).toBeLessThanOrEqual(QUEUED_BYTES_PER_ITEM);
    // One parameter set for the whole batch: every row says the same besides its order number.
    expect(await redis.hlen(rig.revoker.keys.batchParams(summary.batchId))).toBe(1);
    const stored = await redis.hgetall(jobKey(orderNumbers[0] as string));
    expect(JSON.parse(stored.opts as string)).toEqual({
      jobId: 'sectigo~sectigo.revokeSSL~orderNumber~7000000',
    });
    expect(Object.keys(JSON.parse(stored.data as string)).sort()).toEqual(['b', 'p', 'r']);
  });

  it('works compact jobs, jobs in the full form with BullMQ retries, and dead-letters a job whose set is gone', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            sectigoOrder('8001'),
            sectigoOrder('8002', { faults: ['unknownError', 'unknownError'] }),
            sectigoOrder('8003', { faults: ['unknownError'] }),
            sectigoOrder('8004'),
          ],
        },
      },
      retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 50 },
    });
    const { revoker } = rig;
    // Two compact jobs of a batch, one of them retried by the processor.
    const batch = await revoker.producer.submit(rig.rows([revokeSslRow('8001'), revokeSslRow('8002')]));
    // A job as an earlier version enqueued it: full data, BullMQ attempts and backoff options.
    const queue = revoker.accountQueue('sectigo');
    const legacyId = 'sectigo~sectigo.revokeSSL~orderNumber~8003';
    await revoker.redis.rpush(revoker.keys.batchItems(batch.batchId), `3\t${legacyId}`);
    await queue.add(
      'sectigo.revokeSSL',
      {
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        params: { orderNumber: '8003', revocationReason: 'legacy job', responseFormat: 1 },
        batchId: batch.batchId,
        row: 3,
        rehearsal: false,
      },
      {
        jobId: legacyId,
        attempts: 4,
        backoff: { type: 'revoker-full-jitter' },
        removeOnComplete: { count: 100 },
        removeOnFail: false,
      },
    );
    // A compact job naming a parameter set its batch does not have.
    const orphanId = 'sectigo~sectigo.revokeSSL~orderNumber~8004';
    await revoker.redis.rpush(revoker.keys.batchItems(batch.batchId), `4\t${orphanId}`);
    await queue.add('sectigo.revokeSSL', { b: batch.batchId, r: 4, p: 'no-such-set' }, { jobId: orphanId });

    await rig.startWorker();
    const counts = await waitForFinal(revoker, batch.batchId);
    expect(counts).toMatchObject({ revoked: 3, 'dead-lettered': 1 });
    const report = new Map((await reportOf(revoker, batch.batchId)).map((i) => [i.target, i]));
    expect(report.get('orderNumber=8001')).toMatchObject({ outcome: 'revoked', attempts: 1, row: 2 });
    // Two transient answers, retried by the processor (the count in the job data), then revoked.
    expect(report.get('orderNumber=8002')).toMatchObject({ outcome: 'revoked', attempts: 3, row: 3 });
    expect(report.get('orderNumber=8003')).toMatchObject({ outcome: 'revoked', attempts: 2 });
    expect(report.get('orderNumber=8004')).toMatchObject({ outcome: 'dead-lettered', code: 'INVALID_JOB' });
    expect(report.get('orderNumber=8004')?.message).toContain(
      `parameter set no-such-set of batch ${batch.batchId} is missing`,
    );
    // Nothing was sent for it: the sandbox saw no call naming 8004 (and one for each of the others).
    const orders = rig.sandbox.stats().orders;
    expect(orders['sectigo:8004']).toBeUndefined();
    expect(orders['sectigo:8001']).toBeDefined();
  });
});
