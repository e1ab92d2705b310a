/**
 * Idempotency across batches and within one: the same revocation is one job. Submitting the same
 * rows again makes no second vendor call and the second batch reports the outcomes the first one
 * reached; a row repeated inside a batch revokes its order once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  digicertOrder,
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

const SECTIGO = Array.from({ length: 8 }, (_, i) => String(6500 + i));

describe('pipeline: resubmitting', () => {
  it('a second batch of the same rows makes no vendor call and reports the existing outcomes', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            ...SECTIGO.map((n) => sectigoOrder(n)),
            sectigoOrder('6520', { state: 'revoked' }),
            digicertOrder('7500'),
          ],
        },
      },
      digicert: { autoApprove: true },
    });
    await rig.startWorker();
    const rows = [...SECTIGO.map((n) => revokeSslRow(n)), revokeSslRow('6520'), revokeOrderRow('7500')];

    const first = await rig.revoker.producer.submit(rig.rows(rows));
    expect(first).toMatchObject({ valid: 10, enqueued: 10, alreadyFinished: 0 });
    await waitForFinal(rig.revoker, first.batchId);
    const firstReport = await reportOf(rig.revoker, first.batchId);
    const requestsBefore = rig.sandbox.stats().totalRequests;
    // 8 + 1 Sectigo calls, DigiCert revoke + approve.
    expect(requestsBefore).toBe(11);

    // Same rows, written differently where the target allows it (leading zeros name the same order).
    const again = rows.map((r) =>
      r.orderNumber === SECTIGO[0] ? { ...r, orderNumber: `000${SECTIGO[0]}` } : r,
    );
    const second = await rig.revoker.producer.submit(rig.rows(again));
    expect(second.batchId).not.toBe(first.batchId);
    expect(second).toMatchObject({ rows: 10, valid: 10, enqueued: 0, alreadyFinished: 10 });

    const counts = await rig.revoker.batches.counts(second.batchId);
    expect(counts).toMatchObject({ total: 10, revoked: 9, 'dead-lettered': 1, 'in-progress': 0 });
    const secondReport = await reportOf(rig.revoker, second.batchId);
    expect(secondReport.map((i) => [i.jobId, i.outcome, i.code])).toEqual(
      firstReport.map((i) => [i.jobId, i.outcome, i.code]),
    );
    // The DigiCert request id the first batch learned is part of the second's report too.
    expect(secondReport.find((i) => i.account === 'digicert')?.requestId).toMatch(/^\d+$/);

    // Give a worker time to make a call it should not make.
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.sandbox.stats().totalRequests).toBe(requestsBefore);
    for (const n of SECTIGO) {
      expect(rig.sandbox.stats().orders[`sectigo:${n}`]).toMatchObject({ calls: 1, successfulRevokes: 1 });
    }
  });

  it('the same row twice in one batch revokes its order once and reports both rows', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('6530'), sectigoOrder('6531')] },
      },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('6530'), revokeSslRow('6531'), revokeSslRow('6530')]),
    );
    expect(summary).toMatchObject({ rows: 3, valid: 3 });
    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 3, revoked: 3 });
    const report = await reportOf(rig.revoker, summary.batchId);
    expect(report.map((i) => i.row)).toEqual([2, 3, 4]);
    expect(report[0]!.jobId).toBe(report[2]!.jobId);
    const stats = rig.sandbox.stats();
    expect(stats.orders['sectigo:6530']).toMatchObject({ calls: 1, successfulRevokes: 1 });
    expect(stats.totalRequests).toBe(2);
  });

  it('resubmitting while the first batch is still running adds no second job', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        // Slow calls: the second submission arrives while the first batch's jobs wait or run.
        seedData: { orders: SECTIGO.map((n) => sectigoOrder(n, { latencyMs: 150 })) },
      },
      sectigo: { concurrency: 2 },
    });
    await rig.startWorker();
    const rows = SECTIGO.map((n) => revokeSslRow(n));
    const first = await rig.revoker.producer.submit(rig.rows(rows));
    const second = await rig.revoker.producer.submit(rig.rows(rows));
    expect(second.alreadyFinished).toBeLessThan(SECTIGO.length);
    await waitForFinal(rig.revoker, first.batchId);
    const counts = await waitForFinal(rig.revoker, second.batchId);
    expect(counts).toMatchObject({ total: SECTIGO.length, revoked: SECTIGO.length });
    const stats = rig.sandbox.stats();
    expect(stats.totalRequests).toBe(SECTIGO.length);
    for (const n of SECTIGO) {
      expect(stats.orders[`sectigo:${n}`]).toMatchObject({ calls: 1, successfulRevokes: 1 });
    }
  });
});
