/**
 * DigiCert revoke requests and their approval, end to end: with autoApprove the worker approves
 * its own request and the item is revoked; without it the item stays pending-approval (polled,
 * never final) until a person approves the request at DigiCert (here: an HTTPS PUT to the
 * sandbox's request status endpoint), then it is revoked at the next poll. A rejected request
 * is a permanent failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DIGICERT_ACCOUNT } from '../../src/sandbox/accounts.ts';
import {
  digicertOrder,
  eventually,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeOrderRow,
  sandboxRequest,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function decide(rig: Rig, requestId: string, status: 'approved' | 'rejected') {
  return sandboxRequest(rig.sandbox, 'PUT', `/services/v2/request/${requestId}/status`, {
    headers: { 'X-DC-DEVKEY': DEMO_DIGICERT_ACCOUNT.apiKey },
    body: { status, processor_comment: `${status} by the test` },
  });
}

describe('pipeline: DigiCert approval', () => {
  it('autoApprove: the worker approves its own request; the item is revoked with its request id', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [digicertOrder('7700'), digicertOrder('7701')] },
      },
      digicert: { autoApprove: true },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([revokeOrderRow('7700'), revokeOrderRow('7701')]),
    );
    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 2, revoked: 2 });

    for (const item of await reportOf(rig.revoker, summary.batchId)) {
      const orderId = item.target.replace('order_id=', '');
      const snapshot = rig.sandbox.controls.order('digicert', orderId)!;
      expect(snapshot.state).toBe('revoked');
      expect(snapshot.successfulRevokes).toBe(1);
      expect(snapshot.requests).toHaveLength(1);
      const request = snapshot.requests[0]!;
      expect(request.status).toBe('approved');
      expect(request.comments).toBe('key compromise');
      // The report names the request DigiCert made, and the two calls it took.
      expect(item).toMatchObject({ outcome: 'revoked', requestId: String(request.id), attempts: 2 });
      expect(rig.sandbox.stats().orders[`digicert:${orderId}`]!.codes).toEqual({ '201': 1, '204': 1 });
    }
  });

  it('without autoApprove: pending-approval until a person approves at DigiCert, then revoked', async () => {
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: [digicertOrder('7710')] } },
      digicert: { autoApprove: false, approvalPollIntervalMs: 200 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows([revokeOrderRow('7710')]));

    const itemNow = async () => (await reportOf(rig!.revoker, summary.batchId))[0]!;
    await eventually(
      async () => (await itemNow()).outcome === 'pending-approval',
      'pending-approval',
      10_000,
    );
    // It is polled, and stays pending while DigiCert says pending.
    await eventually(
      async () => (rig!.sandbox.stats().orders['digicert:7710']?.codes['200'] ?? 0) >= 3,
      'three polls of the request',
      10_000,
    );
    const pending = await itemNow();
    expect(pending).toMatchObject({ outcome: 'pending-approval', requestId: expect.stringMatching(/^\d+$/) });
    expect(await rig.revoker.batches.counts(summary.batchId)).toMatchObject({
      total: 1,
      'pending-approval': 1,
      revoked: 0,
    });
    const before = rig.sandbox.controls.order('digicert', '7710')!;
    expect(before.state).toBe('issued');
    expect(before.requests.map((r) => [String(r.id), r.status])).toEqual([[pending.requestId, 'pending']]);
    // No approval call from us: only the revoke (201) and the polls (200).
    expect(Object.keys(rig.sandbox.stats().orders['digicert:7710']!.codes).sort()).toEqual(['200', '201']);

    const approval = await decide(rig, pending.requestId, 'approved');
    expect(approval.status).toBe(204);

    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 1, revoked: 1, 'pending-approval': 0 });
    const done = await itemNow();
    expect(done).toMatchObject({ outcome: 'revoked', requestId: pending.requestId, code: '200' });
    expect(rig.sandbox.controls.order('digicert', '7710')).toMatchObject({
      state: 'revoked',
      successfulRevokes: 1,
    });
    // One revoke request only, whatever the number of polls.
    expect(rig.sandbox.stats().orders['digicert:7710']!.codes['201']).toBe(1);
  });

  it('without autoApprove: a request the approver rejects is dead-lettered, the order stays issued', async () => {
    rig = await startRig({
      sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders: [digicertOrder('7720')] } },
      digicert: { autoApprove: false, approvalPollIntervalMs: 200 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows([revokeOrderRow('7720')]));
    const itemNow = async () => (await reportOf(rig!.revoker, summary.batchId))[0]!;
    await eventually(
      async () => (await itemNow()).outcome === 'pending-approval',
      'pending-approval',
      10_000,
    );
    const { requestId } = await itemNow();
    expect((await decide(rig, requestId, 'rejected')).status).toBe(204);

    await waitForFinal(rig.revoker, summary.batchId);
    const item = await itemNow();
    expect(item.outcome).toBe('dead-lettered');
    expect(item.message).toContain(`revoke request ${requestId} was rejected`);
    expect(rig.sandbox.controls.order('digicert', '7720')).toMatchObject({
      state: 'issued',
      successfulRevokes: 0,
    });
    expect(await rig.revoker.deadLetter.get(item.jobId)).toMatchObject({ final: { class: 'permanent' } });
  });
});
