import { describe, expect, it } from 'vitest';
import { createOrderStore } from '../../../src/sandbox/order-store.ts';
import type { SeedOrderInput } from '../../../src/sandbox/seed.ts';
import { seedOrderSchema } from '../../../src/sandbox/seed.ts';

const requester = { id: 1, first_name: 'A', last_name: 'B', email: 'a@b.invalid' };

function storeWith(...orders: SeedOrderInput[]) {
  return createOrderStore(
    orders.map((o) => seedOrderSchema.parse(o)),
    { seed: 1, now: () => Date.parse('2026-01-02T03:04:05.678Z') },
  );
}

const order = (orderNumber: string, state: SeedOrderInput['state'], extra: Partial<SeedOrderInput> = {}) =>
  ({ vendor: 'sectigo', account: 'acct', orderNumber, state, ...extra }) as SeedOrderInput;

describe('order state machine', () => {
  it('revokes an issued order once; the next revoke finds it already revoked', () => {
    const store = storeWith(order('1', 'issued'));
    const o = store.find('sectigo', '1')!;
    expect(store.revoke(o, { test: false, unissued: 'reject' })).toBe('revoked');
    expect(o.state).toBe('revoked');
    expect(o.changedAt).toBe('2026-01-02T03:04:05.678Z');
    expect(store.revoke(o, { test: false, unissued: 'reject' })).toBe('already-revoked');
    expect(o.successfulRevokes).toBe(1);
  });

  it('rejects an order not yet issued (Sectigo) or refuses it (DigiCert)', () => {
    const store = storeWith(order('1', 'pending'), order('2', 'pending'));
    const rejected = store.find('sectigo', '1')!;
    expect(store.revoke(rejected, { test: false, unissued: 'reject' })).toBe('rejected');
    expect(rejected.state).toBe('rejected');
    expect(store.revoke(rejected, { test: false, unissued: 'reject' })).toBe('already-rejected');
    const refused = store.find('sectigo', '2')!;
    expect(store.revoke(refused, { test: false, unissued: 'refuse' })).toBe('not-issued');
    expect(refused.state).toBe('pending');
  });

  it('answers being-issued for N calls, then the order is issued and revocable', () => {
    const store = storeWith(order('1', 'being-issued', { issuingCalls: 3 }));
    const o = store.find('sectigo', '1')!;
    for (let i = 0; i < 3; i++)
      expect(store.revoke(o, { test: false, unissued: 'reject' })).toBe('being-issued');
    expect(o.state).toBe('issued');
    expect(store.revoke(o, { test: false, unissued: 'reject' })).toBe('revoked');
  });

  it('treats a being-issued order with no calls to wait as issued', () => {
    const store = storeWith(order('1', 'being-issued', { issuingCalls: 0 }));
    expect(store.find('sectigo', '1')?.state).toBe('issued');
  });

  it('changes nothing on a rehearsal (test=Y), not even the countdown', () => {
    const store = storeWith(order('1', 'issued'), order('2', 'pending'), order('3', 'being-issued'));
    const [issued, pending, issuing] = ['1', '2', '3'].map((n) => store.find('sectigo', n)!);
    expect(store.revoke(issued!, { test: true, unissued: 'reject' })).toBe('revoked');
    expect(store.revoke(pending!, { test: true, unissued: 'reject' })).toBe('rejected');
    for (let i = 0; i < 5; i++)
      expect(store.revoke(issuing!, { test: true, unissued: 'reject' })).toBe('being-issued');
    expect(issued?.state).toBe('issued');
    expect(pending?.state).toBe('pending');
    expect(issuing?.state).toBe('being-issued');
    expect(issuing?.issuingCallsLeft).toBe(2);
    expect(issued?.successfulRevokes).toBe(0);
  });

  it('refuses final states with their own verdict', () => {
    const store = storeWith(order('1', 'not-revocable'), order('2', 'expired'), order('3', 'revoked'));
    const verdicts = ['1', '2', '3'].map((n) =>
      store.revoke(store.find('sectigo', n)!, { test: false, unissued: 'reject' }),
    );
    expect(verdicts).toEqual(['not-revocable', 'expired', 'already-revoked']);
  });

  it('finds orders by number, certificate id or serial, only for their own account', () => {
    const store = storeWith(order('1001', 'issued', { certificateID: '555', serialNumber: '00AB:CD' }));
    expect(store.lookup('sectigo', 'acct', 'orderNumber', '1001')?.orderNumber).toBe('1001');
    expect(store.lookup('sectigo', 'acct', 'certificateID', '555')?.orderNumber).toBe('1001');
    expect(store.lookup('sectigo', 'acct', 'serialNumber', 'abcd')?.orderNumber).toBe('1001');
    expect(store.lookup('sectigo', 'other', 'orderNumber', '1001')).toBeUndefined();
    expect(store.lookup('digicert', 'acct', 'orderNumber', '1001')).toBeUndefined();
  });

  it('refuses duplicate order numbers within a vendor', () => {
    expect(() => storeWith(order('1', 'issued'), order('1', 'revoked'))).toThrow(
      /duplicate sectigo order number 1/,
    );
  });

  it('replaces an order with a new issued one, revoking the old only when asked', () => {
    const store = storeWith(order('1001', 'issued'), order('2002', 'issued'));
    const kept = store.find('sectigo', '1001')!;
    const fresh = store.replace(kept, { revokeOld: false });
    expect(fresh).toMatchObject({ state: 'issued', account: 'acct', orderNumber: '2003', replaces: '1001' });
    expect(kept.state).toBe('issued');
    expect(kept.replacedBy).toEqual(['2003']);
    const revoked = store.find('sectigo', '2002')!;
    store.replace(revoked, { revokeOld: true });
    expect(revoked.state).toBe('revoked');
    expect(revoked.successfulRevokes).toBe(1);
  });

  it('DigiCert: a request stays pending until approved; approval revokes, rejection does not', () => {
    const store = storeWith(
      { vendor: 'digicert', account: 'dc', orderNumber: '10', state: 'issued' },
      { vendor: 'digicert', account: 'dc', orderNumber: '11', state: 'issued' },
    );
    const approvedOrder = store.find('digicert', '10')!;
    const request = store.createRequest(approvedOrder, {
      requester,
      comments: 'c',
      revocationReason: undefined,
    });
    expect(request).toMatchObject({ id: 1, status: 'pending', date: '2026-01-02T03:04:05+00:00' });
    expect(store.pendingRequestOf(approvedOrder)).toBe(request);
    expect(approvedOrder.state).toBe('issued');
    store.decideRequest(request, { status: 'approved', processorComment: 'ok', processor: requester });
    expect(approvedOrder.state).toBe('revoked');
    expect(store.pendingRequestOf(approvedOrder)).toBeUndefined();

    const rejectedOrder = store.find('digicert', '11')!;
    const second = store.createRequest(rejectedOrder, {
      requester,
      comments: 'c',
      revocationReason: undefined,
    });
    store.decideRequest(second, { status: 'rejected', processorComment: 'no', processor: requester });
    expect(rejectedOrder.state).toBe('issued');
    expect(store.getRequest('dc', 2)?.status).toBe('rejected');
    expect(store.getRequest('other', 2)).toBeUndefined();
    expect(store.snapshot(approvedOrder).requests).toHaveLength(1);
  });
});
