import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('pipeline', () => {
  it('revokes a Sectigo order and a DigiCert order end to end and reports both', async () => {
    rig = await startRig({
      sandbox: {
        seedData: {
          orders: [
            { vendor: 'sectigo', account: 'revoker-demo', orderNumber: '5001', state: 'issued' },
            { vendor: 'digicert', account: 'revoker-demo', orderNumber: '7001', state: 'issued' },
          ],
        },
      },
      digicert: { autoApprove: true },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([
        {
          account: 'sectigo',
          operation: 'sectigo.revokeSSL',
          orderNumber: '5001',
          revocationReason: 'key compromise',
        },
        {
          account: 'digicert',
          operation: 'digicert.revokeOrder',
          order_id: '7001',
          revocationReason: 'key compromise',
        },
      ]),
    );
    expect(summary).toMatchObject({ rows: 2, valid: 2, enqueued: 2 });
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId)).revoked === 2,
      'two revoked',
    );
    expect(rig.sandbox.state.find('sectigo', '5001')?.state).toBe('revoked');
    expect(rig.sandbox.state.find('digicert', '7001')?.state).toBe('revoked');
  });
});
