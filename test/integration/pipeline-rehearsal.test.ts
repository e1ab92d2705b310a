/**
 * Rehearsal is decided at submit and travels in the job: a worker whose own config says
 * otherwise (a stale process of a fleet being switched over) does what the job says, both ways.
 * A rehearsal the vendor accepted is `rehearsed`, never `revoked`; an operation without a test
 * mode is never sent; a replay keeps the entry's rehearsal whatever the config says now.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RevokerConfig } from '../../src/config.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
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
const others: Revoker[] = [];
afterEach(async () => {
  for (const r of others.splice(0)) await r.close();
  await rig?.close();
  rig = undefined;
});

/** The rig's config with every account's rehearsal set as given: another process's view. */
function withRehearsal(config: RevokerConfig, rehearsal: boolean): RevokerConfig {
  const accounts = Object.fromEntries(
    Object.entries(config.accounts).map(([name, account]) => [name, { ...account, rehearsal }]),
  );
  return { ...config, accounts };
}

const stateOf = (r: Rig, vendor: 'sectigo' | 'digicert', n: string) => r.sandbox.state.find(vendor, n)?.state;
const callsOf = (r: Rig, vendor: 'sectigo' | 'digicert', n: string) =>
  r.sandbox.stats().orders[`${vendor}:${n}`]?.calls ?? 0;

describe('pipeline: rehearsal travels in the job', () => {
  it('a real submit is revoked for real by a worker whose stale config still rehearses', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('7100'), sectigoOrder('7101')] },
      },
    });
    await rig.startWorker({ config: withRehearsal(rig.config, true) });
    const summary = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7100'), revokeSslRow('7101')]));
    expect(summary.split).toEqual([{ account: 'sectigo', real: 2, rehearsal: 0 }]);
    expect(await waitForFinal(rig.revoker, summary.batchId)).toMatchObject({ revoked: 2, rehearsed: 0 });
    expect(stateOf(rig, 'sectigo', '7100')).toBe('revoked');
    expect(stateOf(rig, 'sectigo', '7101')).toBe('revoked');
    for (const item of await reportOf(rig.revoker, summary.batchId)) expect(item.rehearsal).toBe(false);
  });

  it('a rehearsal submit is only rehearsed by a worker whose config says rehearsal is off', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('7110'), sectigoOrder('7111')] },
      },
    });
    await rig.startWorker(); // rehearsal off
    const producerSide = await openRevoker(withRehearsal(rig.config, true));
    others.push(producerSide);
    const summary = await producerSide.producer.submit(
      rig.rows([revokeSslRow('7110'), revokeSslRow('7111')]),
    );
    expect(summary.split).toEqual([{ account: 'sectigo', real: 0, rehearsal: 2 }]);
    expect(await waitForFinal(rig.revoker, summary.batchId)).toMatchObject({ revoked: 0, rehearsed: 2 });
    // The vendor was asked (test=Y validated the request) and changed nothing.
    expect(callsOf(rig, 'sectigo', '7110')).toBe(1);
    expect(stateOf(rig, 'sectigo', '7110')).toBe('issued');
    expect(stateOf(rig, 'sectigo', '7111')).toBe('issued');
    for (const item of await reportOf(rig.revoker, summary.batchId)) {
      expect(item).toMatchObject({ outcome: 'rehearsed', rehearsal: true, code: '0' });
    }

    // The real run of the same targets is new work, not "already finished".
    const real = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7110'), revokeSslRow('7111')]));
    expect(real).toMatchObject({ enqueued: 2, alreadyFinished: 0 });
    expect(await waitForFinal(rig.revoker, real.batchId)).toMatchObject({ revoked: 2 });
    expect(stateOf(rig, 'sectigo', '7110')).toBe('revoked');
  });

  it('submit --rehearsal rehearses the whole batch; DigiCert and AutoReplaceSMIME rehearsals are never sent', async () => {
    const csr = await makeCsr({ keyType: 'ec-p256' });
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [sectigoOrder('7120'), sectigoOrder('7121', { product: 'smime' }), digicertOrder('7122')],
        },
      },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([
        revokeSslRow('7120'),
        {
          account: 'sectigo',
          operation: 'sectigo.replaceSMIME',
          orderNumber: '7121',
          csr: csr.pem,
          revokeOldOrder: 'Y',
        },
        revokeOrderRow('7122'),
      ]),
      { rehearsal: true },
    );
    expect(summary.split).toEqual([
      { account: 'digicert', real: 0, rehearsal: 1 },
      { account: 'sectigo', real: 0, rehearsal: 2 },
    ]);
    expect(await waitForFinal(rig.revoker, summary.batchId)).toMatchObject({ total: 3, rehearsed: 3 });
    const [ssl, smime, dc] = await reportOf(rig.revoker, summary.batchId);
    expect(ssl).toMatchObject({ outcome: 'rehearsed', rehearsal: true });
    for (const item of [smime, dc]) {
      expect(item).toMatchObject({
        outcome: 'rehearsed',
        rehearsal: true,
        code: 'REHEARSAL_NOT_SENT',
        message: 'not sent: the vendor has no test mode',
        attempts: 0,
      });
    }
    expect(callsOf(rig, 'sectigo', '7121')).toBe(0);
    expect(callsOf(rig, 'digicert', '7122')).toBe(0);
    expect(rig.sandbox.state.find('sectigo', '7121')?.replacedBy).toEqual([]);
    expect(stateOf(rig, 'digicert', '7122')).toBe('issued');
  });

  it('dlq replay keeps the entry’s rehearsal after rehearsal was switched off everywhere', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('7130', { faults: ['unknownError', 'unknownError'] })] },
      },
      sectigo: { rehearsal: true },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    const worker = await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7130')]));
    expect(await waitForFinal(rig.revoker, summary.batchId)).toMatchObject({ 'dead-lettered': 1 });
    const [entry] = await rig.revoker.deadLetter.list();
    expect(entry?.data.rehearsal).toBe(true);
    const [before] = await reportOf(rig.revoker, summary.batchId);
    expect(before).toMatchObject({ outcome: 'dead-lettered', rehearsal: true });

    // Rehearsal off on every side: a new worker and a new CLI process.
    await worker.close();
    const off = withRehearsal(rig.config, false);
    await rig.startWorker({ config: off });
    const cli = await openRevoker(off);
    others.push(cli);
    expect((await cli.deadLetter.replay([entry!.jobId])).replayed).toEqual([entry!.jobId]);
    expect(await waitForFinal(rig.revoker, summary.batchId)).toMatchObject({ rehearsed: 1 });
    expect(stateOf(rig, 'sectigo', '7130')).toBe('issued');
  });
});
