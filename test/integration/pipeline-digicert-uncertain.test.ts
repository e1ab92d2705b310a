/**
 * Uncertain DigiCert calls are resolved by reading, not by re-sending, and nothing is recorded
 * `revoked` unless DigiCert said so. Each case runs against every sandbox variant that plays an
 * answer the docs leave open, so the client is right whichever the vendor turns out to be:
 *
 * - a revoke whose answer was lost (reset after it took effect): the retry reads the order;
 *   revoked → revoked (confirmed), a pending request → that request is followed, never a second;
 * - a revoke reset before it took effect: the order is still issued, so it is sent again;
 * - a 201 with an empty body (`digicert-201-empty`): the filed request is found and followed;
 * - a yes that filed nothing (the `emptySuccess` fault): DIGICERT_UNCONFIRMED, the order issued;
 * - an order with a revoke request already pending (filed by a person in CertCentral): whatever
 *   a second revoke answers (the same request, a new one, a refusal), a request is followed;
 * - an approval whose answer was lost: the request is read before it is sent again;
 * - a dead-lettered uncertain revoke replayed: read first, so "already revoked" in any spelling
 *   never dead-letters a revoke that happened;
 * - `revocation_reason` in either spelling, and `comments` always sent, naming the batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { requesterOf } from '../../src/sandbox/accounts.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import type { SandboxVariant } from '../../src/sandbox/server.ts';
import {
  digicertOrder,
  eventually,
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

const ORDER = '8300';

async function start(
  order: Partial<SeedOrderInput>,
  options: {
    digicert?: Record<string, unknown>;
    variants?: SandboxVariant[];
    retry?: { attempts: number };
    /** More issued orders beside ORDER. */
    more?: string[];
  },
): Promise<Rig> {
  rig = await startRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: [digicertOrder(ORDER, order), ...(options.more ?? []).map((n) => digicertOrder(n))],
      },
      ...(options.variants ? { variants: options.variants } : {}),
    },
    digicert: options.digicert ?? {},
    ...(options.retry ? { retry: options.retry } : {}),
  });
  await rig.startWorker({ accounts: ['digicert'] });
  return rig;
}

async function revokeAndWait(r: Rig, row: Record<string, unknown> = revokeOrderRow(ORDER)) {
  const summary = await r.revoker.producer.submit(r.rows([row]));
  await waitForFinal(r.revoker, summary.batchId);
  const [item] = await reportOf(r.revoker, summary.batchId);
  return { item: item!, batchId: summary.batchId };
}

const atVendor = (r: Rig) => r.sandbox.controls.order('digicert', ORDER)!;
const statsOf = (r: Rig) => r.sandbox.stats().orders[`digicert:${ORDER}`]!;

/** Every answer the docs leave open for a second revoke of an order with a pending request. */
const REPEAT_VARIANTS: SandboxVariant[][] = [
  [],
  ['digicert-repeat-new-request'],
  ['digicert-repeat-refused'],
];
const ALREADY_REVOKED_VARIANTS: SandboxVariant[][] = [
  [],
  ['digicert-already-revoked-status'],
  ['digicert-already-revoked-conflict'],
];
const label = (variants: SandboxVariant[]) => variants.join('+') || 'default';

describe('pipeline: uncertain DigiCert revokes are read, not re-sent', () => {
  it('reset after the effect (skip_approval): the order is read, found revoked, and no second revoke is sent', async () => {
    const r = await start({ faults: ['resetAfterEffect'] }, { digicert: { skipApproval: true } });
    const { item } = await revokeAndWait(r);
    expect(item).toMatchObject({ outcome: 'revoked', confirmed: true });
    expect(statsOf(r)).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 2 });
    expect(statsOf(r).codes).toMatchObject({ 'fault:resetAfterEffect': 1, '200': 1 });
  });

  it('reset before the effect: the order is still issued and has no request, so the revoke is sent again', async () => {
    const r = await start({ faults: ['reset'] }, { digicert: { skipApproval: true } });
    const { item } = await revokeAndWait(r);
    expect(item).toMatchObject({ outcome: 'revoked' });
    expect(statsOf(r)).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 3 });
  });

  for (const variants of REPEAT_VARIANTS) {
    it(`a revoke that filed a request but lost its answer: the request is found and followed, never a second one (${label(variants)})`, async () => {
      const r = await start({ faults: ['resetAfterEffect'] }, { digicert: { autoApprove: true }, variants });
      const { item } = await revokeAndWait(r);
      const order = atVendor(r);
      expect(order.requests.map((q) => q.status)).toEqual(['approved']);
      expect(item).toMatchObject({ outcome: 'revoked', requestId: String(order.requests[0]!.id) });
      expect(order).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    });
  }

  it('a 201 with an empty body: the filed request is found and followed as pending-approval, revoked once approved', async () => {
    const r = await start({}, { digicert: { autoApprove: false }, variants: ['digicert-201-empty'] });
    const summary = await r.revoker.producer.submit(r.rows([revokeOrderRow(ORDER)]));
    const itemNow = async () => (await reportOf(r.revoker, summary.batchId))[0]!;
    await eventually(
      async () => (await itemNow()).outcome === 'pending-approval',
      'pending-approval',
      10_000,
    );
    const [request] = atVendor(r).requests;
    expect((await itemNow()).requestId).toBe(String(request!.id));
    expect(atVendor(r).state).toBe('issued');
    // A person approves it in CertCentral; the next look at the request records the revoke.
    r.sandbox.state.decideRequest(r.sandbox.state.getRequest(request!.account, request!.id)!, {
      status: 'approved',
      processorComment: 'approved by the test',
      processor: requesterOf(r.sandbox.accounts.digicert[0]!),
    });
    await waitForFinal(r.revoker, summary.batchId);
    expect(await itemNow()).toMatchObject({ outcome: 'revoked', requestId: String(request!.id) });
    expect(atVendor(r).requests).toHaveLength(1);
  });

  it('a 201 with an empty body under autoApprove: the found request is approved by us', async () => {
    const r = await start({}, { digicert: { autoApprove: true }, variants: ['digicert-201-empty'] });
    const { item } = await revokeAndWait(r);
    expect(item).toMatchObject({ outcome: 'revoked' });
    expect(atVendor(r).requests.map((q) => q.status)).toEqual(['approved']);
  });

  it('a yes that filed nothing: never revoked — DIGICERT_UNCONFIRMED, the order stays issued', async () => {
    const r = await start({ faults: ['emptySuccess'] }, { digicert: { autoApprove: true } });
    const { item } = await revokeAndWait(r);
    expect(item).toMatchObject({ outcome: 'dead-lettered', code: 'DIGICERT_UNCONFIRMED' });
    expect(item.message).toMatch(/check the order in CertCentral/);
    expect(atVendor(r)).toMatchObject({ state: 'issued', successfulRevokes: 0, requests: [] });
  });

  for (const variants of REPEAT_VARIANTS) {
    it(`an order whose revoke request a person filed already: a request is followed, revoked only when approved (${label(variants)})`, async () => {
      const r = await start({}, { digicert: { autoApprove: false }, variants });
      const order = r.sandbox.state.find('digicert', ORDER)!;
      const theirs = r.sandbox.state.createRequest(order, {
        requester: requesterOf(r.sandbox.accounts.digicert[0]!),
        comments: 'filed in CertCentral',
        revocationReason: undefined,
      });
      const summary = await r.revoker.producer.submit(r.rows([revokeOrderRow(ORDER)]));
      const itemNow = async () => (await reportOf(r.revoker, summary.batchId))[0]!;
      await eventually(
        async () => (await itemNow()).outcome === 'pending-approval',
        'pending-approval',
        10_000,
      );
      const followed = (await itemNow()).requestId;
      const requests = atVendor(r).requests;
      // The request followed is a pending one at the vendor; the order is not revoked yet.
      expect(requests.find((q) => String(q.id) === followed)?.status).toBe('pending');
      expect(atVendor(r).state).toBe('issued');
      if (variants.length === 0 || variants[0] === 'digicert-repeat-refused')
        expect(followed).toBe(String(theirs.id));
      const request = r.sandbox.state.getRequest(theirs.account, Number(followed))!;
      r.sandbox.state.decideRequest(request, {
        status: 'approved',
        processorComment: 'approved by the test',
        processor: requesterOf(r.sandbox.accounts.digicert[0]!),
      });
      await waitForFinal(r.revoker, summary.batchId);
      expect(await itemNow()).toMatchObject({ outcome: 'revoked', requestId: followed });
    });
  }

  it('an approval whose answer was lost is read before it is sent again: revoked, one approval at the vendor', async () => {
    // The revoke goes through; the approval takes effect and its answer is lost.
    const r = await start({ faults: ['pass', 'resetAfterEffect'] }, { digicert: { autoApprove: true } });
    const { item } = await revokeAndWait(r);
    expect(item).toMatchObject({ outcome: 'revoked' });
    expect(atVendor(r).requests.map((q) => q.status)).toEqual(['approved']);
    // No approval was refused as "already approved": the second look was a read.
    expect(Object.keys(statsOf(r).codes).filter((c) => c.startsWith('400'))).toEqual([]);
    expect(statsOf(r).codes).toMatchObject({ '201': 1, 'fault:resetAfterEffect': 1, '200': 1 });
  });

  for (const variants of ALREADY_REVOKED_VARIANTS) {
    it(`a dead-lettered uncertain revoke, replayed, is read first and ends revoked (confirmed) (${label(variants)})`, async () => {
      const r = await start(
        { faults: ['resetAfterEffect'] },
        { digicert: { skipApproval: true }, variants, retry: { attempts: 1 } },
      );
      const { item, batchId } = await revokeAndWait(r);
      expect(item).toMatchObject({ outcome: 'dead-lettered' });
      expect(atVendor(r).state).toBe('revoked');
      await r.revoker.deadLetter.replay([item.jobId]);
      await eventually(
        async () => (await reportOf(r.revoker, batchId))[0]?.outcome === 'revoked',
        'the replayed item to end revoked',
      );
      expect((await reportOf(r.revoker, batchId))[0]).toMatchObject({ outcome: 'revoked', confirmed: true });
      expect(atVendor(r).successfulRevokes).toBe(1);
    });
  }
});

describe('pipeline: DigiCert parameters the docs disagree on', () => {
  it('revocation_reason: a vendor that takes camelCase gets it after one refusal, and every later job gets it first', async () => {
    const r = await start(
      {},
      { digicert: { skipApproval: true }, variants: ['digicert-reason-camel'], more: ['8301'] },
    );
    const { item } = await revokeAndWait(r, revokeOrderRow(ORDER, { revocation_reason: 'key_compromise' }));
    expect(item).toMatchObject({ outcome: 'revoked', attempts: 2 });
    const second = await revokeAndWait(r, revokeOrderRow('8301', { revocation_reason: 'key_compromise' }));
    expect(second.item).toMatchObject({ outcome: 'revoked', attempts: 1 });
  });

  it('comments: always sent; a row without one sends a text naming the batch', async () => {
    const r = await start({}, { digicert: { autoApprove: false } });
    const row = { account: 'digicert', operation: 'digicert.revokeOrder', order_id: ORDER };
    const summary = await r.revoker.producer.submit(r.rows([row]));
    await eventually(async () => atVendor(r).requests.length === 1, 'the revoke request');
    expect(atVendor(r).requests[0]?.comments).toBe(`revoked by revoker (batch ${summary.batchId})`);
  });
});
