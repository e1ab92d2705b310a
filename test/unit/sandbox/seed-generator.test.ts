import { describe, expect, it } from 'vitest';
import { createOrderStore } from '../../../src/sandbox/order-store.ts';
import { parseSeed } from '../../../src/sandbox/seed.ts';
import { DOC_SAMPLE_ORDERS, generateSeed } from '../../../src/sandbox/seed-generator.ts';

const countBy = <T>(items: readonly T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((acc, item) => {
    acc[key(item)] = (acc[key(item)] ?? 0) + 1;
    return acc;
  }, {});

describe('seed generator', () => {
  it('makes the default mix: mostly issued, exact counts per state, split over both vendors', () => {
    const seed = generateSeed({ orders: 1000, seed: 7, docSamples: false });
    const sectigo = seed.orders.filter((o) => o.vendor === 'sectigo');
    const digicert = seed.orders.filter((o) => o.vendor === 'digicert');
    expect(sectigo).toHaveLength(500);
    expect(digicert).toHaveLength(500);
    expect(countBy(sectigo, (o) => o.state)).toEqual({
      issued: 400,
      'being-issued': 25,
      pending: 15,
      revoked: 20,
      rejected: 10,
      'not-revocable': 15,
      expired: 15,
    });
    // No DigiCert wire form for being-issued / pending: those shares are issued.
    expect(countBy(digicert, (o) => o.state)).toEqual({
      issued: 440,
      revoked: 20,
      rejected: 10,
      'not-revocable': 15,
      expired: 15,
    });
    expect(sectigo.filter((o) => o.state === 'being-issued').every((o) => o.issuingCalls === 2)).toBe(true);
  });

  it('is deterministic for a seed and different for another', () => {
    const a = generateSeed({ orders: 200, seed: 42 });
    const b = generateSeed({ orders: 200, seed: 42 });
    const c = generateSeed({ orders: 200, seed: 43 });
    expect(b).toEqual(a);
    expect(c.orders.map((o) => o.orderNumber)).not.toEqual(a.orders.map((o) => o.orderNumber));
  });

  it('gives unique order numbers, certificate ids and positive 16-byte serials', () => {
    const { orders } = generateSeed({ orders: 5000, seed: 3 });
    for (const field of ['orderNumber', 'certificateID', 'serialNumber'] as const) {
      const values = orders.filter((o) => o[field] !== undefined).map((o) => `${o.vendor}:${o[field]}`);
      expect(new Set(values).size).toBe(values.length);
    }
    for (const order of orders.filter((o) => o.serialNumber !== undefined)) {
      expect(order.serialNumber).toMatch(/^[1-7][0-9a-f]{31}$/);
    }
  });

  it('honours the vendor share, a custom mix and the owning accounts', () => {
    const seed = generateSeed({
      orders: 100,
      sectigoShare: 1,
      mix: { revoked: 0.5, 'being-issued': 0, pending: 0, rejected: 0, 'not-revocable': 0, expired: 0 },
      issuingCalls: 5,
      docSamples: false,
    });
    expect(seed.orders.every((o) => o.vendor === 'sectigo' && o.account === 'revoker-demo')).toBe(true);
    expect(countBy(seed.orders, (o) => o.state)).toEqual({ issued: 50, revoked: 50 });
  });

  it('adds the vendor-docs sample orders by default, owned by the docs placeholder logins', () => {
    const seed = generateSeed({ orders: 0 });
    expect(seed.orders).toEqual(DOC_SAMPLE_ORDERS);
    expect(seed.accounts?.sectigo.map((a) => a.loginName)).toEqual([
      'revoker-demo',
      'login_name',
      'yourLoginName',
    ]);
    expect(seed.accounts?.digicert.map((a) => a.apiKey)).toEqual([
      'sandbox-digicert-admin-key',
      'sandbox-digicert-user-key',
    ]);
  });

  it('produces seed data the seed schema and the store accept as they are', () => {
    const seed = generateSeed({ orders: 300, seed: 11 });
    const reparsed = parseSeed(JSON.parse(JSON.stringify(seed)));
    expect(reparsed).toEqual(seed);
    const store = createOrderStore(seed.orders);
    expect(store.list()).toHaveLength(seed.orders.length);
  });

  it('rejects seed data with a message naming the field', () => {
    expect(() =>
      parseSeed({ orders: [{ vendor: 'sectigo', account: 'a', orderNumber: 'x1' }] }, 'f.json'),
    ).toThrow(/f\.json: invalid seed data at orders\.0\.orderNumber/);
  });
});
