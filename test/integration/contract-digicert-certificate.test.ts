/**
 * Contract: `digicert.revokeCertificate` (our client, src/vendors/digicert/revoke-certificate.ts)
 * against the sandbox's `PUT /certificate/{id or serial}/revoke` over real HTTPS: by id and by
 * serial, one certificate of an order with several, skip_approval, the approval flow, a pending
 * reissue, an unknown certificate, and every variant of the answers the docs leave open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_VARIANTS, type SandboxVariant, VARIANT_SPECS } from '../../src/sandbox/variants.ts';
import { approveRequest } from '../../src/vendors/digicert/request.ts';
import { findPendingRevokeRequest } from '../../src/vendors/digicert/request-list.ts';
import { revokeCertificateOperation } from '../../src/vendors/digicert/revoke-certificate.ts';
import type { DigicertAccount } from '../../src/vendors/operation.ts';
import {
  type ContractSandbox,
  DIGICERT_KEYS,
  digicertOrder,
  startContractSandbox,
} from '../support/contract-sandbox.ts';

let cs: ContractSandbox | undefined;
afterEach(async () => {
  await cs?.close();
  cs = undefined;
});

async function start(variants: SandboxVariant[] = []): Promise<ContractSandbox> {
  cs = await startContractSandbox(
    [
      digicertOrder('6301', 'issued', {
        certificates: [
          { certificateID: '63011', serialNumber: '0A63011A' },
          { certificateID: '63012', serialNumber: '0A63012B' },
          { certificateID: '63013', serialNumber: '0A63013C', reissuePending: true },
          { certificateID: '63014', serialNumber: '0A63014D', state: 'revoked' },
        ],
      }),
      digicertOrder('6302', 'issued', {
        account: 'dc-user',
        certificates: [{ certificateID: '63021', serialNumber: '0A63021A' }],
      }),
    ],
    { variants },
  );
  return cs;
}

const revoke = (
  c: ContractSandbox,
  params: Record<string, unknown>,
  account: DigicertAccount = c.digicert(),
) =>
  revokeCertificateOperation.execute(account, revokeCertificateOperation.params.parse(params), {
    reference: 'batch contract',
  });
const certificates = (c: ContractSandbox) =>
  Object.fromEntries(
    (c.sandbox.controls.order('digicert', '6301')?.certificates ?? []).map((x) => [x.id, x.state]),
  );

describe('contract digicert.revokeCertificate', () => {
  it('by id: a pending request for that certificate; approving it revokes it alone', async () => {
    const c = await start();
    const outcome = await revoke(c, { certificate_id: 63011 });
    expect(outcome).toMatchObject({ class: 'done', learned: { requestStatus: 'pending' } });
    const requestId = String(outcome.learned.requestId);
    const found = await findPendingRevokeRequest(c.digicert(), { certificateId: '63011' }, 0);
    expect(found.learned).toEqual({ requestId, requestStatus: 'pending' });
    expect((await findPendingRevokeRequest(c.digicert(), { orderId: '6301' }, 0)).learned).toEqual({});
    expect((await approveRequest(c.digicert(), requestId, 'approved')).class).toBe('done');
    expect(certificates(c)).toEqual({
      '63011': 'revoked',
      '63012': 'issued',
      '63013': 'issued',
      '63014': 'revoked',
    });
    expect(c.state('digicert', '6301')).toBe('issued');
  });

  it('by serial (any case, colons): skip_approval revokes it at once, the others untouched', async () => {
    const c = await start();
    const outcome = await revoke(c, { serialNumber: '0a:63:01:2b', skip_approval: true });
    expect(outcome).toMatchObject({ class: 'done', code: '204', learned: {} });
    expect(certificates(c)).toEqual({
      '63011': 'issued',
      '63012': 'revoked',
      '63013': 'issued',
      '63014': 'revoked',
    });
  });

  it('a pending reissue is refused as such; an unknown or foreign certificate is not found', async () => {
    const c = await start();
    expect(await revoke(c, { certificate_id: 63013 })).toMatchObject({
      class: 'permanent',
      learned: { reissuePending: true },
    });
    expect(await revoke(c, { certificate_id: 99999 })).toMatchObject({
      class: 'permanent',
      code: 'not_found|certificate',
    });
    expect(await revoke(c, { certificate_id: 63021 })).toMatchObject({
      class: 'permanent',
      code: 'not_found|certificate',
    });
    expect(
      await revoke(
        c,
        { certificate_id: 63012, skip_approval: true },
        c.digicert({ apiKey: DIGICERT_KEYS.user }),
      ),
    ).toMatchObject({ class: 'permanent', httpStatus: 403 });
    expect(certificates(c)['63013']).toBe('issued');
  });

  const group = (name: string): SandboxVariant[][] => [
    [],
    ...SANDBOX_VARIANTS.filter((v) => VARIANT_SPECS[v].group === name).map((v) => [v]),
  ];

  for (const variants of group('digicert-already-revoked')) {
    it(`a revoked certificate is "already revoked" (${variants.join('+') || 'default'})`, async () => {
      const c = await start(variants);
      expect(await revoke(c, { certificate_id: 63014 })).toMatchObject({
        class: 'permanent',
        learned: { alreadyRevoked: true },
      });
    });
  }

  for (const variants of [...group('digicert-repeat-revoke'), ...group('digicert-revoke-answer').slice(1)]) {
    it(`a second revoke of a certificate with a pending request leads to a pending request (${variants.join('+') || 'default'})`, async () => {
      const c = await start(variants);
      await revoke(c, { certificate_id: 63011 });
      const second = await revoke(c, { certificate_id: 63011 });
      const found = await findPendingRevokeRequest(c.digicert(), { certificateId: '63011' }, 0);
      expect(found.learned.requestStatus).toBe('pending');
      if (second.class === 'done') {
        expect(second.learned.requestStatus ?? (second.learned.unconfirmed ? 'unconfirmed' : '')).toMatch(
          /pending|unconfirmed/,
        );
      } else {
        expect(second.learned).toEqual({ requestPending: true });
      }
      expect(certificates(c)['63011']).toBe('issued');
    });
  }
});
