/**
 * Contract: our client (src/vendors/) against every sandbox variant, i.e. every answer the
 * vendor documents leave open. Whichever the real vendor turns out to be, the client reads it
 * right: a yes it cannot read is never a revoke, "already revoked" is known in any spelling,
 * a refused second revoke points at the pending request, the reason's spelling is learned, and
 * a proxy in front of the Partner API is a fault of the account, not "may have taken effect".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import { SANDBOX_VARIANTS, type SandboxVariant, VARIANT_SPECS } from '../../src/sandbox/variants.ts';
import { getOrder } from '../../src/vendors/digicert/order-info.ts';
import { approveRequest, getRequest } from '../../src/vendors/digicert/request.ts';
import { findPendingRevokeRequest } from '../../src/vendors/digicert/request-list.ts';
import { createReasonSpellingMemo } from '../../src/vendors/digicert/revocation-reason.ts';
import { revokeOrderOperation } from '../../src/vendors/digicert/revoke-order.ts';
import type { OperationSpec, SectigoAccount } from '../../src/vendors/operation.ts';
import type { Outcome } from '../../src/vendors/outcome.ts';
import { sectigoOperations } from '../../src/vendors/sectigo/operations.ts';
import {
  type ContractSandbox,
  digicertOrder,
  sectigoOrder,
  startContractSandbox,
} from '../support/contract-sandbox.ts';

let cs: ContractSandbox | undefined;
afterEach(async () => {
  await cs?.close();
  cs = undefined;
});

async function start(variants: SandboxVariant[]): Promise<ContractSandbox> {
  cs = await startContractSandbox(
    [
      digicertOrder('6101', 'issued'),
      digicertOrder('6102', 'issued'),
      digicertOrder('6103', 'revoked'),
      sectigoOrder('6201', 'issued', { certificateID: '62010', serialNumber: '6201AA' }),
      sectigoOrder('6202', 'issued', { product: 'smime' }),
      sectigoOrder('6203', 'issued', { account: 'other' }),
    ],
    { variants },
  );
  return cs;
}

const revoke = (
  c: ContractSandbox,
  orderId: string,
  extra: Record<string, unknown> = {},
  memo = createReasonSpellingMemo(),
) =>
  revokeOrderOperation.execute(
    c.digicert({ reasonSpelling: memo }),
    revokeOrderOperation.params.parse({ order_id: orderId, ...extra }),
    { reference: 'batch contract' },
  );

const variantsOf = (group: string) =>
  SANDBOX_VARIANTS.filter((v) => VARIANT_SPECS[v].group === group).map((v) => [v] as SandboxVariant[]);
const withDefault = (group: string): SandboxVariant[][] => [[], ...variantsOf(group)];
const label = (variants: SandboxVariant[]) => variants.join('+') || 'default';

describe('contract: DigiCert under every variant', () => {
  it('covers every variant of the sandbox in this file', () => {
    const groups = new Set(SANDBOX_VARIANTS.map((v) => VARIANT_SPECS[v].group));
    expect([...groups].sort()).toEqual([
      'digicert-already-revoked',
      'digicert-comments',
      'digicert-reason-spelling',
      'digicert-repeat-revoke',
      'digicert-revoke-answer',
      'sectigo-foreign-order',
      'sectigo-front',
    ]);
  });

  for (const variants of withDefault('digicert-revoke-answer')) {
    it(`a revoke is a readable pending request, or an unconfirmed yes whose request the list finds (${label(variants)})`, async () => {
      const c = await start(variants);
      const outcome = await revoke(c, '6101');
      expect(outcome.class).toBe('done');
      if (variants.length === 0) {
        expect(outcome.learned).toMatchObject({ requestStatus: 'pending', requestId: expect.any(String) });
      } else {
        expect(outcome.learned).toEqual({ unconfirmed: true });
      }
      const order = await getOrder(c.digicert(), '6101');
      expect(order.learned).toMatchObject({ orderStatus: 'issued', targetRevoked: false });
      const found = await findPendingRevokeRequest(c.digicert(), { orderId: '6101' }, 0);
      const id = String(c.sandbox.controls.order('digicert', '6101')?.requests[0]?.id);
      expect(found.learned).toEqual({ requestId: id, requestStatus: 'pending' });
      expect((await findPendingRevokeRequest(c.digicert(), { orderId: '6102' }, 0)).learned).toEqual({});
      expect((await approveRequest(c.digicert(), id, 'approved by the contract test')).class).toBe('done');
      expect((await getRequest(c.digicert(), id)).learned).toMatchObject({ requestStatus: 'approved' });
      expect((await getOrder(c.digicert(), '6101')).learned).toMatchObject({ targetRevoked: true });
    });
  }

  for (const variants of withDefault('digicert-repeat-revoke')) {
    it(`a second revoke while one is pending leads to a pending request, never a revoke (${label(variants)})`, async () => {
      const c = await start(variants);
      await revoke(c, '6101');
      const second = await revoke(c, '6101');
      if (second.class === 'done') {
        expect(second.learned).toMatchObject({ requestStatus: 'pending', requestId: expect.any(String) });
      } else {
        expect(second).toMatchObject({ class: 'permanent', learned: { requestPending: true } });
        const found = await findPendingRevokeRequest(c.digicert(), { orderId: '6101' }, 0);
        expect(found.learned.requestId).toBe(
          String(c.sandbox.controls.order('digicert', '6101')?.requests[0]?.id),
        );
      }
      expect(c.state('digicert', '6101')).toBe('issued');
    });
  }

  for (const variants of withDefault('digicert-already-revoked')) {
    it(`"already revoked" is known as such (${label(variants)})`, async () => {
      const c = await start(variants);
      const outcome = await revoke(c, '6103');
      expect(outcome).toMatchObject({
        class: 'permanent',
        mayHaveTakenEffect: false,
        learned: { alreadyRevoked: true },
      });
    });
  }

  for (const variants of withDefault('digicert-reason-spelling')) {
    it(`revocation_reason is taken at the latest on the second call, and stays learned (${label(variants)})`, async () => {
      const c = await start(variants);
      const memo = createReasonSpellingMemo();
      const reason = { revocation_reason: 'key_compromise' };
      const outcomes: Outcome[] = [await revoke(c, '6101', reason, memo)];
      if (outcomes[0]?.class === 'transient') outcomes.push(await revoke(c, '6101', reason, memo));
      expect(outcomes.at(-1)?.class).toBe('done');
      expect((await revoke(c, '6102', reason, memo)).class).toBe('done');
      expect(outcomes).toHaveLength(variants.length === 0 ? 1 : 2);
    });
  }

  for (const variants of withDefault('digicert-comments')) {
    it(`comments are always sent, so a revoke without one in the job is taken (${label(variants)})`, async () => {
      const c = await start(variants);
      expect((await revoke(c, '6101')).class).toBe('done');
      expect(c.sandbox.controls.order('digicert', '6101')?.requests[0]?.comments).toBe(
        'revoked by revoker (batch contract)',
      );
    });
  }
});

describe('contract: Sectigo under every variant', () => {
  /** Each Sectigo operation with parameters for order 6201 (6202 for S/MIME). */
  async function everyOperation(): Promise<[OperationSpec, Record<string, unknown>][]> {
    const csr = (await makeCsr({ keyType: 'ec-p256' })).pem;
    const params: Record<string, Record<string, unknown>> = {
      'sectigo.revokeSSL': { orderNumber: '6201', revocationReason: 'r' },
      'sectigo.revokeCertificate': { orderNumber: '6201', codeReason: '1' },
      'sectigo.revokePAC': { orderNumber: '6201', revocationReason: 'r' },
      'sectigo.replaceSMIME': { orderNumber: '6202', csr },
    };
    return sectigoOperations.map((op) => [
      op as OperationSpec,
      op.params.parse(params[op.name]) as Record<string, unknown>,
    ]);
  }

  for (const variants of variantsOf('sectigo-front')) {
    it(`a proxy in front of the API: every operation halts, none "may have taken effect" (${label(variants)})`, async () => {
      const c = await start(variants);
      for (const [op, params] of await everyOperation()) {
        const outcome = await op.execute(c.sectigo() as SectigoAccount, params);
        expect([op.name, outcome.class, outcome.mayHaveTakenEffect]).toEqual([op.name, 'halt', false]);
      }
      expect(c.state('sectigo', '6201')).toBe('issued');
    });
  }

  for (const variants of withDefault('sectigo-foreign-order')) {
    it(`another context's order: -4 naming it, or -16 that may concern only this order (${label(variants)})`, async () => {
      const c = await start(variants);
      const [revokeSsl] = await everyOperation();
      const outcome = await revokeSsl![0].execute(c.sectigo() as SectigoAccount, {
        ...revokeSsl![1],
        orderNumber: '6203',
      });
      if (variants.length === 0) {
        expect(outcome).toMatchObject({ class: 'permanent', code: '-4' });
      } else {
        expect(outcome).toMatchObject({
          class: 'halt',
          code: '-16',
          learned: { mayConcernOnlyThisTarget: true },
        });
      }
    });
  }
});
