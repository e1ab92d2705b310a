/**
 * Every outcome class end to end, through the real producer, the real worker and the sandbox
 * over HTTPS: done, transient then success (-14, 5xx, -26), permanent (-21 → dead-letter),
 * transient exhausted (→ dead-letter "gave up after N attempts"), and the ambiguity rule
 * (the vendor acted, the connection reset, the retry hears "already revoked" → revoked, confirmed).
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

const ATTEMPTS = 4;

describe('pipeline: outcome classes', () => {
  it('revokes, retries transient answers to success, dead-letters permanent and exhausted ones', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            sectigoOrder('6001'),
            sectigoOrder('6002', { faults: ['unknownError'] }),
            sectigoOrder('6003', { faults: ['serverError'] }),
            sectigoOrder('6004', { state: 'being-issued', issuingCalls: 2 }),
            sectigoOrder('6005', { state: 'revoked' }),
            // One fault more than the attempts allowed: the job gives up before the vendor recovers.
            sectigoOrder('6006', { faults: Array(ATTEMPTS + 1).fill('unknownError') }),
            // The network's transient faults: reset before any effect, an unreadable body, no answer.
            sectigoOrder('6007', { faults: ['reset'] }),
            sectigoOrder('6008', { faults: ['garbage'] }),
            sectigoOrder('6009', { faults: ['hang'] }),
          ],
        },
      },
      sectigo: { timeouts: { headersMs: 300 } },
      retry: { attempts: ATTEMPTS, baseDelayMs: 20, maxDelayMs: 100 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows(
        ['6001', '6002', '6003', '6004', '6005', '6006', '6007', '6008', '6009'].map((n) => revokeSslRow(n)),
      ),
    );
    expect(summary).toMatchObject({ rows: 9, valid: 9, invalid: 0, enqueued: 9 });

    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 9, revoked: 7, 'dead-lettered': 2, 'in-progress': 0 });

    const report = new Map((await reportOf(rig.revoker, summary.batchId)).map((i) => [i.target, i]));
    const item = (n: string) => report.get(`orderNumber=${n}`)!;

    // done at once
    expect(item('6001')).toMatchObject({ outcome: 'revoked', code: '0', attempts: 1, confirmed: false });
    // transient (-14, then 5xx, then -26 twice), then success
    expect(item('6002')).toMatchObject({ outcome: 'revoked', code: '0', attempts: 2 });
    expect(item('6003')).toMatchObject({ outcome: 'revoked', code: '0', attempts: 2 });
    expect(item('6004')).toMatchObject({ outcome: 'revoked', code: '0', attempts: 3 });
    for (const n of ['6007', '6008', '6009']) {
      expect(item(n)).toMatchObject({ outcome: 'revoked', code: '0', attempts: 2, confirmed: false });
    }
    // permanent: -21 on the first attempt is not the ambiguity rule (nothing of ours went before)
    expect(item('6005')).toMatchObject({
      outcome: 'dead-lettered',
      code: '-21',
      attempts: 1,
      confirmed: false,
    });
    // transient exhausted
    expect(item('6006')).toMatchObject({ outcome: 'dead-lettered', code: '-14', attempts: ATTEMPTS });
    expect(item('6006').message).toMatch(new RegExp(`gave up after ${ATTEMPTS} attempts`));

    // The sandbox saw what the report says.
    const stats = rig.sandbox.stats();
    const order = (n: string) => stats.orders[`sectigo:${n}`]!;
    expect(order('6001')).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 1 });
    expect(order('6002')).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 2 });
    expect(order('6002').codes).toEqual({ '-14': 1, '0': 1 });
    expect(order('6003')).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 2 });
    expect(Object.keys(order('6003').codes).some((c) => /^fault:serverError:5\d\d$/.test(c))).toBe(true);
    expect(order('6004')).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 3 });
    expect(order('6004').codes).toEqual({ '-26': 2, '0': 1 });
    expect(order('6005')).toMatchObject({ state: 'revoked', successfulRevokes: 0, calls: 1 });
    expect(order('6005').codes).toEqual({ '-21': 1 });
    expect(order('6006')).toMatchObject({ state: 'issued', successfulRevokes: 0, calls: ATTEMPTS });
    expect(order('6006').codes).toEqual({ '-14': ATTEMPTS });
    expect(order('6007').codes).toEqual({ 'fault:reset': 1, '0': 1 });
    expect(order('6008').codes).toEqual({ 'fault:garbage:200': 1, '0': 1 });
    expect(order('6009').codes).toEqual({ 'fault:hang': 1, '0': 1 });
    for (const n of ['6007', '6008', '6009'])
      expect(order(n)).toMatchObject({ state: 'revoked', successfulRevokes: 1 });

    // The dead-letter queue holds exactly the two, each with its full record.
    const entries = await rig.revoker.deadLetter.list();
    expect(entries.map((e) => e.jobId).sort()).toEqual([item('6005').jobId, item('6006').jobId].sort());
    const permanent = await rig.revoker.deadLetter.get(item('6005').jobId);
    expect(permanent).toMatchObject({
      account: 'sectigo',
      final: { class: 'permanent', code: '-21' },
      data: { operation: 'sectigo.revokeSSL', batchId: summary.batchId },
    });
    expect(permanent!.attempts).toHaveLength(1);
    expect(permanent!.attempts[0]).toMatchObject({ code: '-21', class: 'permanent' });
    const exhausted = await rig.revoker.deadLetter.get(item('6006').jobId);
    expect(exhausted!.reason).toMatch(new RegExp(`^gave up after ${ATTEMPTS} attempts: -14`));
    expect(exhausted!.attempts.map((a) => a.code)).toEqual(Array(ATTEMPTS).fill('-14'));
    expect(exhausted!.final).toMatchObject({ class: 'transient', code: '-14' });
  });

  it('ambiguity rule: the vendor revoked, the connection reset, the retry hears -21 → revoked, confirmed', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            sectigoOrder('6101', { faults: ['resetAfterEffect'] }),
            sectigoOrder('6102', { state: 'revoked' }),
            // DigiCert, final at once (skip_approval): the retry reads the order and finds it revoked.
            digicertOrder('7101', { faults: ['resetAfterEffect'] }),
            // DigiCert with approval: the lost answer created a request; the retry finds that one.
            digicertOrder('7102', { faults: ['resetAfterEffect'] }),
          ],
        },
      },
      digicert: { autoApprove: true },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([
        revokeSslRow('6101'),
        revokeSslRow('6102'),
        revokeOrderRow('7101', { skip_approval: true }),
        revokeOrderRow('7102'),
      ]),
    );
    await waitForFinal(rig.revoker, summary.batchId);

    const [reset, already, dcFinal, dcApproval] = await reportOf(rig.revoker, summary.batchId);
    expect(reset).toMatchObject({ outcome: 'revoked', confirmed: true, code: '-21', attempts: 2 });
    // The control: "already revoked" with no earlier attempt of ours is a permanent failure.
    expect(already).toMatchObject({ outcome: 'dead-lettered', confirmed: false, code: '-21' });
    // DigiCert: the retry reads the order (GET, code 200) instead of sending the revoke again.
    expect(dcFinal).toMatchObject({ outcome: 'revoked', confirmed: true, code: '200', attempts: 2 });
    // Read (still issued, its request pending), sent again (the same request back), approved.
    expect(dcApproval).toMatchObject({ outcome: 'revoked', attempts: 4 });

    const stats = rig.sandbox.stats().orders;
    // Exactly one successful revoke of each order: the retry did not revoke a second time.
    expect(stats['sectigo:6101']).toMatchObject({ state: 'revoked', successfulRevokes: 1, calls: 2 });
    expect(stats['sectigo:6101']!.codes).toEqual({ 'fault:resetAfterEffect': 1, '-21': 1 });
    expect(stats['digicert:7101']).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    expect(stats['digicert:7101']!.codes).toEqual({ 'fault:resetAfterEffect': 1, '200': 1 });
    expect(stats['digicert:7102']).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
    // One revoke request, created by the lost call and found again by the retry, then approved.
    const requests = rig.sandbox.controls.order('digicert', '7102')!.requests;
    expect(requests.map((r) => r.status)).toEqual(['approved']);
    expect(dcApproval!.requestId).toBe(String(requests[0]!.id));

    expect(await rig.revoker.deadLetter.get(reset!.jobId)).toBeUndefined();
    expect((await rig.revoker.deadLetter.list()).map((e) => e.jobId)).toEqual([already!.jobId]);
  });

  // AutoRevokeSSL on an order not issued yet rejects it and answers 0: a success like a revoke.
  // So "-20 already rejected" after our own lost call is that call's success, as -21 is for an
  // issued order (Outcome.learned.alreadyRejected says so; the decision must use it).
  it('ambiguity rule: a not-issued order rejected by a call whose answer was lost → -20 on the retry is success', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            sectigoOrder('6110', { state: 'pending', faults: ['resetAfterEffect'] }),
            // The control: the same order without the fault is answered 0 and reported revoked.
            sectigoOrder('6111', { state: 'pending' }),
          ],
        },
      },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows([revokeSslRow('6110'), revokeSslRow('6111')]));
    await waitForFinal(rig.revoker, summary.batchId);
    const [lost, control] = await reportOf(rig.revoker, summary.batchId);
    expect(control).toMatchObject({ outcome: 'revoked', code: '0' });

    const stats = rig.sandbox.stats().orders['sectigo:6110']!;
    expect(stats).toMatchObject({ state: 'rejected', successfulRevokes: 1 });
    expect(stats.codes).toEqual({ 'fault:resetAfterEffect': 1, '-20': 1 });
    expect(lost, `recorded as ${lost!.outcome} ${lost!.code}`).toMatchObject({
      outcome: 'revoked',
      confirmed: true,
      code: '-20',
    });
    expect(await rig.revoker.deadLetter.count()).toBe(0);
  });
});
