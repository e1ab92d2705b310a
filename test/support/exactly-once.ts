/**
 * The proof fault tests end with: every item of a batch has one final outcome, `revoked`; the
 * sandbox saw exactly one revoke take effect per order; and every "already revoked" (-21) the
 * sandbox gave was recorded as a confirmed revoke (the ambiguity rule), never as a failure.
 */
import { expect } from 'vitest';
import type { Revoker } from '../../src/open-revoker.ts';
import type { ReportItem } from '../../src/queue/batch-report.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { reportOf, sectigoOrder } from './pipeline.ts';

/** `count` issued Sectigo orders of the demo account, numbered from `first`. */
export function sectigoOrders(count: number, first = 100_001): (SeedOrderInput & { orderNumber: string })[] {
  return Array.from({ length: count }, (_, i) => {
    const orderNumber = String(first + i);
    return { ...sectigoOrder(orderNumber), orderNumber };
  });
}

/** Sectigo requests the sandbox has received but not answered yet (calls in flight). */
export function callsInFlight(sandbox: Sandbox): number {
  const stats = sandbox.stats();
  const answered = Object.values(stats.codes.sectigo).reduce((a, b) => a + b, 0);
  return stats.totalRequests - answered;
}

/** Orders the sandbox has revoked (a revoke took effect, heard by the client or not). */
export function ordersRevokedAtSandbox(sandbox: Sandbox): number {
  return Object.values(sandbox.stats().orders).filter((o) => o.successfulRevokes > 0).length;
}

export interface ExactlyOnceProof {
  report: ReportItem[];
  /** Order numbers recorded `revoked` with `confirmed` (the vendor said -21 to a retry). */
  confirmed: string[];
}

/**
 * Asserts the batch settled with every order revoked exactly once. Returns the report and the
 * confirmed items, for the test's own assertions on how it got there.
 */
export async function expectRevokedExactlyOnce(
  revoker: Revoker,
  sandbox: Sandbox,
  batchId: string,
  orderNumbers: readonly string[],
): Promise<ExactlyOnceProof> {
  const counts = await revoker.batches.counts(batchId);
  expect(counts).toMatchObject({
    total: orderNumbers.length,
    revoked: orderNumbers.length,
    'in-progress': 0,
    'dead-lettered': 0,
  });
  expect(await revoker.deadLetter.count()).toBe(0);
  const [status] = await revoker.accountStatus();
  expect(status?.counts).toMatchObject({ active: 0, waiting: 0, delayed: 0, failed: 0 });

  const report = await reportOf(revoker, batchId);
  const byOrder = new Map(report.map((item) => [item.target.replace(/^orderNumber=/, ''), item]));
  expect([...byOrder.keys()].sort()).toEqual([...orderNumbers].sort());

  const stats = sandbox.stats();
  const secondRevokes: string[] = [];
  const unconfirmed21: string[] = [];
  const confirmedWithout21: string[] = [];
  for (const orderNumber of orderNumbers) {
    const order = stats.orders[`sectigo:${orderNumber}`];
    const item = byOrder.get(orderNumber);
    // One revoke took effect; "0" answered once (an answer the client never heard counts too).
    if (order?.state !== 'revoked' || order.successfulRevokes !== 1 || order.codes['0'] !== 1) {
      secondRevokes.push(`${orderNumber}: ${JSON.stringify(order)}`);
    }
    const saw21 = (order?.codes['-21'] ?? 0) > 0;
    if (saw21 && !item?.confirmed) unconfirmed21.push(`${orderNumber}: ${JSON.stringify(item)}`);
    if (item?.confirmed && !saw21) confirmedWithout21.push(orderNumber);
  }
  expect(secondRevokes, 'orders not revoked exactly once at the sandbox').toEqual([]);
  expect(unconfirmed21, '-21 answers not recorded as confirmed revokes').toEqual([]);
  expect(confirmedWithout21, 'confirmed items the sandbox never answered -21').toEqual([]);

  const confirmed = report
    .filter((item) => item.confirmed)
    .map((item) => item.target.replace(/^orderNumber=/, ''));
  return { report, confirmed };
}
