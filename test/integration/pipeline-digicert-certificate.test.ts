/**
 * `digicert.revokeCertificate`: after a key compromise, revoke exactly the certificates that
 * carry the leaked key, not every certificate on their orders. Against the sandbox's orders that
 * hold several certificates (the order's own, a duplicate, a reissue pending):
 *
 * - one certificate of a three-certificate order revoked, by serial and by certificate id, from
 *   CSV (the CLI), JSONL (the CLI) and the library; the others stay valid;
 * - a certificate whose reissue is pending: dead-lettered DIGICERT_REISSUE_PENDING, never retried;
 * - the approval flow (autoApprove, and a person approving), and an uncertain revoke settled by
 *   the pending request list, never a second request;
 * - `submit` warns when a file revokes whole orders for a key compromise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requesterOf } from '../../src/sandbox/accounts.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { runCli } from '../support/cli-run.ts';
import {
  digicertOrder,
  eventually,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** An order with three certificates: its own, a duplicate (another key), a reissue pending. */
function threeCertificates(
  orderNumber: string,
  base: number,
  extra: Partial<SeedOrderInput> = {},
): SeedOrderInput {
  return digicertOrder(orderNumber, {
    certificates: [
      { certificateID: String(base + 1), serialNumber: `0A0${base + 1}AA` },
      { certificateID: String(base + 2), serialNumber: `0A0${base + 2}BB` },
      { certificateID: String(base + 3), serialNumber: `0A0${base + 3}CC`, reissuePending: true },
    ],
    ...extra,
  });
}

async function start(orders: SeedOrderInput[], digicert: Record<string, unknown> = { skipApproval: true }) {
  rig = await startRig({ sandbox: { rateLimits: ROOMY_SANDBOX_LIMITS, seedData: { orders } }, digicert });
  await rig.startWorker({ accounts: ['digicert'] });
  return rig;
}

const certificatesOf = (r: Rig, orderNumber: string) =>
  Object.fromEntries(
    (r.sandbox.controls.order('digicert', orderNumber)?.certificates ?? []).map((c) => [
      c.id,
      [c.state, c.successfulRevokes],
    ]),
  );

function configFile(r: Rig): string {
  dir = mkdtempSync(join(tmpdir(), 'revoker-dc-cert-'));
  const file = join(dir, 'revoker.config.json');
  writeFileSync(file, JSON.stringify({ redis: r.config.redis, accounts: r.config.accounts }));
  return file;
}

describe('pipeline: digicert.revokeCertificate revokes exactly the certificates named', () => {
  it('from CSV through the CLI: one certificate by serial, one by id; the rest of each order stays valid', async () => {
    const r = await start([threeCertificates('9100', 91000), threeCertificates('9200', 92000)]);
    const config = configFile(r);
    const input = join(dir!, 'leaked.csv');
    writeFileSync(
      input,
      [
        'account,operation,serialNumber,certificateID,revocation_reason,revocationReason',
        'digicert,digicert.revokeCertificate,0a:09:10:01:aa,,key_compromise,key leaked 2026-12-07',
        'digicert,digicert.revokeCertificate,,92002,key_compromise,key leaked 2026-12-07',
        '',
      ].join('\n'),
    );
    const { code, text } = await runCli(['submit', input, '--config', config, '--wait'], r.env);
    expect(code, text).toBe(0);
    expect(certificatesOf(r, '9100')).toEqual({
      '91001': ['revoked', 1],
      '91002': ['issued', 0],
      '91003': ['issued', 0],
    });
    expect(certificatesOf(r, '9200')).toEqual({
      '92001': ['issued', 0],
      '92002': ['revoked', 1],
      '92003': ['issued', 0],
    });
    // The orders themselves stay active (DigiCert: revoking one certificate leaves the order).
    expect(r.sandbox.state.find('digicert', '9100')?.state).toBe('issued');
  });

  it('from JSONL through the CLI, and from the library: the same jobs, one per certificate', async () => {
    const r = await start([threeCertificates('9300', 93000)]);
    const config = configFile(r);
    const input = join(dir!, 'leaked.jsonl');
    writeFileSync(
      input,
      `${JSON.stringify({ account: 'digicert', operation: 'digicert.revokeCertificate', certificate_id: 93001 })}\n`,
    );
    const { code, text } = await runCli(['submit', input, '--config', config, '--wait'], r.env);
    expect(code, text).toBe(0);
    const { jobId, batchId } = await r.revoker.producer.revoke({
      account: 'digicert',
      operation: 'digicert.revokeCertificate',
      params: { serialNumber: '0a093002bb', revocation_reason: 'key_compromise' },
    });
    expect(jobId).toBe('digicert~digicert.revokeCertificate~serialNumber~A093002BB');
    await eventually(
      async () => (await r.revoker.batches.counts(batchId)).revoked === 1,
      'the library item revoked',
    );
    expect(certificatesOf(r, '9300')).toEqual({
      '93001': ['revoked', 1],
      '93002': ['revoked', 1],
      '93003': ['issued', 0],
    });
  });

  it('a certificate whose reissue is pending: dead-lettered DIGICERT_REISSUE_PENDING after one call, never retried', async () => {
    const r = await start([threeCertificates('9400', 94000)]);
    const summary = await r.revoker.producer.submit(
      r.rows([{ account: 'digicert', operation: 'digicert.revokeCertificate', certificate_id: '94003' }]),
    );
    await waitForFinal(r.revoker, summary.batchId);
    const [item] = await reportOf(r.revoker, summary.batchId);
    expect(item).toMatchObject({ outcome: 'dead-lettered', code: 'DIGICERT_REISSUE_PENDING', attempts: 1 });
    expect(item?.message).toMatch(/Cancel the reissue in CertCentral, or wait until it is issued/);
    expect(certificatesOf(r, '9400')['94003']).toEqual(['issued', 0]);
    expect(r.sandbox.stats().orders['digicert:9400']?.calls).toBe(1);
  });

  it('the approval flow: autoApprove approves the certificate request; the other certificates stay valid', async () => {
    const r = await start([threeCertificates('9500', 95000)], { autoApprove: true });
    const summary = await r.revoker.producer.submit(
      r.rows([{ account: 'digicert', operation: 'digicert.revokeCertificate', certificate_id: '95002' }]),
    );
    await waitForFinal(r.revoker, summary.batchId);
    const [item] = await reportOf(r.revoker, summary.batchId);
    const [request] = r.sandbox.controls.order('digicert', '9500')!.requests;
    expect(request).toMatchObject({ certificateId: '95002', status: 'approved' });
    expect(item).toMatchObject({ outcome: 'revoked', requestId: String(request!.id) });
    expect(certificatesOf(r, '9500')).toEqual({
      '95001': ['issued', 0],
      '95002': ['revoked', 1],
      '95003': ['issued', 0],
    });
  });

  it('without autoApprove: pending-approval until a person approves, then revoked', async () => {
    const r = await start([threeCertificates('9600', 96000)], { autoApprove: false });
    const summary = await r.revoker.producer.submit(
      r.rows([{ account: 'digicert', operation: 'digicert.revokeCertificate', serialNumber: '0A096001AA' }]),
    );
    const itemNow = async () => (await reportOf(r.revoker, summary.batchId))[0]!;
    await eventually(
      async () => (await itemNow()).outcome === 'pending-approval',
      'pending-approval',
      10_000,
    );
    expect(certificatesOf(r, '9600')['96001']).toEqual(['issued', 0]);
    const [request] = r.sandbox.controls.order('digicert', '9600')!.requests;
    r.sandbox.state.decideRequest(r.sandbox.state.getRequest(request!.account, request!.id)!, {
      status: 'approved',
      processorComment: 'approved by the test',
      processor: requesterOf(r.sandbox.accounts.digicert[0]!),
    });
    await waitForFinal(r.revoker, summary.batchId);
    expect(await itemNow()).toMatchObject({ outcome: 'revoked', requestId: String(request!.id) });
    expect(certificatesOf(r, '9600')).toEqual({
      '96001': ['revoked', 1],
      '96002': ['issued', 0],
      '96003': ['issued', 0],
    });
  });

  it('a revoke whose answer was lost: the pending request of the certificate is found and followed, never a second', async () => {
    const r = await start([threeCertificates('9700', 97000, { faults: ['resetAfterEffect'] })], {
      autoApprove: true,
    });
    const summary = await r.revoker.producer.submit(
      r.rows([{ account: 'digicert', operation: 'digicert.revokeCertificate', certificate_id: '97001' }]),
    );
    await waitForFinal(r.revoker, summary.batchId);
    const [item] = await reportOf(r.revoker, summary.batchId);
    expect(item).toMatchObject({ outcome: 'revoked' });
    expect(
      r.sandbox.controls.order('digicert', '9700')!.requests.map((q) => [q.certificateId, q.status]),
    ).toEqual([['97001', 'approved']]);
    expect(certificatesOf(r, '9700')['97001']).toEqual(['revoked', 1]);
  });

  it('submit warns when a file revokes whole DigiCert orders for a key compromise', async () => {
    const r = await start([digicertOrder('9800')]);
    const config = configFile(r);
    const input = join(dir!, 'orders.csv');
    writeFileSync(
      input,
      'account,operation,order_id,revocation_reason\ndigicert,digicert.revokeOrder,9800,key_compromise\n',
    );
    const { code, text } = await runCli(['submit', input, '--config', config], r.env);
    expect(code, text).toBe(0);
    expect(text).toMatch(
      /warning: row 2, operation: digicert\.revokeOrder revokes every certificate on the order[^\n]*digicert\.revokeCertificate/,
    );
  });
});
