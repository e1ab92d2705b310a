import { afterEach, describe, expect, it } from 'vitest';
import {
  type AccountHaltedEvent,
  combineWorkerEvents,
  type ItemFinishedEvent,
  type VendorCallEvent,
  type WorkerEvents,
} from '../../src/queue/worker-events.ts';
import {
  digicertOrder,
  eventually,
  type Rig,
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

/** A listener that keeps what it is told (and one that always throws, to prove it changes nothing). */
function recorder() {
  const calls: VendorCallEvent[] = [];
  const finished: ItemFinishedEvent[] = [];
  const halts: AccountHaltedEvent[] = [];
  const events: WorkerEvents = {
    vendorCall: (e) => void calls.push(e),
    itemFinished: (e) => void finished.push(e),
    accountHalted: (e) => void halts.push(e),
  };
  return { calls, finished, halts, events };
}

describe('worker events', () => {
  it('tell listeners of every vendor call and every final outcome, once on record', async () => {
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('6101'), digicertOrder('6201')] } },
      digicert: { autoApprove: true },
    });
    const seen = recorder();
    const throwing: WorkerEvents = {
      itemFinished: () => {
        throw new Error('listener bug');
      },
    };
    await rig.startWorker({ events: combineWorkerEvents(throwing, seen.events) });
    const { batchId } = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('6101'), revokeOrderRow('6201')]),
    );
    const counts = await waitForFinal(rig.revoker, batchId);
    expect(counts.revoked).toBe(2);
    await eventually(async () => seen.finished.length === 2, 'two itemFinished events');
    expect(seen.finished.map((e) => [e.operation, e.record.outcome, e.batchId]).sort()).toEqual([
      ['digicert.revokeOrder', 'revoked', batchId],
      ['sectigo.revokeSSL', 'revoked', batchId],
    ]);
    // The DigiCert revoke is two calls (revoke, approve), each told.
    expect(seen.calls.filter((c) => c.account === 'digicert').map((c) => c.step)).toEqual([
      'call',
      'approve',
    ]);
    expect(seen.calls.every((c) => c.class === 'done')).toBe(true);
  });

  it('tell listeners of a halt once', async () => {
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('6301'), sectigoOrder('6302')] } },
      env: { TEST_SECTIGO_PASSWORD: 'wrong-password' },
    });
    const seen = recorder();
    await rig.startWorker({ events: seen.events });
    await rig.revoker.producer.submit(rig.rows([revokeSslRow('6301'), revokeSslRow('6302')]));
    await eventually(async () => seen.halts.length >= 1, 'a halt event');
    expect(seen.halts).toHaveLength(1);
    expect(seen.halts[0]).toMatchObject({ account: 'sectigo', code: '-16' });
    expect(seen.finished).toHaveLength(0);
  });
});
