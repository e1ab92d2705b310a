/**
 * Batch counts add up at every moment: sampled continuously while a batch with retries, slow
 * calls and failures runs, each snapshot's total is the batch's item count and equals the sum of
 * the outcome counts (an item is never in two outcomes, or in none); at the end the counts agree
 * with the report item by item.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeCounts } from '../../src/queue/batch-report.ts';
import { ITEM_OUTCOMES } from '../../src/queue/item-record.ts';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeSslRow,
  sectigoOrder,
  startRig,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sumOfOutcomes = (counts: OutcomeCounts) => ITEM_OUTCOMES.reduce((sum, o) => sum + counts[o], 0);

describe('pipeline: counts', () => {
  it('total equals the sum of the outcome counts in every snapshot taken while a batch runs', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => {
      const n = String(6950 + i);
      const latencyMs = 40;
      if (i % 5 === 0) return sectigoOrder(n, { latencyMs, faults: ['unknownError', 'serverError'] });
      if (i % 5 === 1) return sectigoOrder(n, { latencyMs, state: 'being-issued', issuingCalls: 1 });
      if (i % 10 === 2) return sectigoOrder(n, { latencyMs, state: 'revoked' });
      if (i % 10 === 3)
        return sectigoOrder(n, { latencyMs, faults: ['unknownError', 'unknownError', 'unknownError'] });
      return sectigoOrder(n, { latencyMs });
    });
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders } },
      sectigo: { concurrency: 4 },
      retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 150 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows(orders.map((o) => revokeSslRow(o.orderNumber as string))),
    );
    expect(summary.enqueued).toBe(30);

    const snapshots: OutcomeCounts[] = [];
    const deadline = Date.now() + 15_000;
    for (;;) {
      const counts = await rig.revoker.batches.counts(summary.batchId);
      snapshots.push(counts);
      expect(counts.total, JSON.stringify(counts)).toBe(30);
      expect(sumOfOutcomes(counts), JSON.stringify(counts)).toBe(counts.total);
      expect(counts.retrying).toBeLessThanOrEqual(counts['in-progress']);
      if (counts['in-progress'] === 0) break;
      if (Date.now() > deadline) throw new Error(`batch not finished: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 10));
    }

    // The sampling saw the batch in motion, retries included, not only its end.
    expect(snapshots.length).toBeGreaterThan(5);
    expect(snapshots.some((c) => c.retrying > 0 && c.revoked > 0)).toBe(true);
    expect(snapshots.some((c) => c['in-progress'] > 0 && c['dead-lettered'] > 0)).toBe(true);
    // Final outcomes only ever grow.
    for (let i = 1; i < snapshots.length; i++) {
      expect(snapshots[i]!.revoked).toBeGreaterThanOrEqual(snapshots[i - 1]!.revoked);
      expect(snapshots[i]!['dead-lettered']).toBeGreaterThanOrEqual(snapshots[i - 1]!['dead-lettered']);
    }

    const final = snapshots.at(-1)!;
    // 3 of 30 are already revoked (-21), 3 exhaust their 3 attempts; the other 24 are revoked.
    expect(final).toMatchObject({
      total: 30,
      revoked: 24,
      'dead-lettered': 6,
      'in-progress': 0,
      retrying: 0,
    });
    const report = await reportOf(rig.revoker, summary.batchId);
    const tally: Record<string, number> = {};
    for (const item of report) tally[item.outcome] = (tally[item.outcome] ?? 0) + 1;
    expect(tally).toEqual({ revoked: final.revoked, 'dead-lettered': final['dead-lettered'] });
  });
});
