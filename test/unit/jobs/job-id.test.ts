import { describe, expect, it } from 'vitest';
import { canonicalTargetValue, jobIdFor, parseJobId } from '../../../src/jobs/job-id.ts';

describe('jobIdFor', () => {
  it('joins account, operation, target field and value with ~', () => {
    expect(jobIdFor('acme', 'sectigo.revokeSSL', { field: 'orderNumber', value: '1234567' })).toBe(
      'acme~sectigo.revokeSSL~orderNumber~1234567',
    );
    expect(jobIdFor('dc-prod', 'digicert.revokeOrder', { field: 'order_id', value: '42' })).toBe(
      'dc-prod~digicert.revokeOrder~order_id~42',
    );
  });

  it('gives one id for one target written differently', () => {
    const id = (field: string, value: string) => jobIdFor('acme', 'sectigo.revokeSSL', { field, value });
    expect(id('orderNumber', '0001234')).toBe(id('orderNumber', '1234'));
    expect(id('orderNumber', ' 1234 ')).toBe(id('orderNumber', '1234'));
    expect(id('serialNumber', '00:ab:CD:01')).toBe(id('serialNumber', 'ABCD01'));
    expect(id('serialNumber', '0aBcD01')).toBe('acme~sectigo.revokeSSL~serialNumber~ABCD01');
    expect(id('orderNumber', '0')).toBe('acme~sectigo.revokeSSL~orderNumber~0');
  });

  it('keeps distinct targets, accounts and operations apart', () => {
    const ids = new Set([
      jobIdFor('acme', 'sectigo.revokeSSL', { field: 'orderNumber', value: '1' }),
      jobIdFor('acme', 'sectigo.revokeSSL', { field: 'certificateID', value: '1' }),
      jobIdFor('acme', 'sectigo.revokeCertificate', { field: 'orderNumber', value: '1' }),
      jobIdFor('other', 'sectigo.revokeSSL', { field: 'orderNumber', value: '1' }),
      jobIdFor('acme', 'sectigo.revokeSSL', { field: 'orderNumber', value: '10' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('never contains ":" and is never a plain integer, whatever the value', () => {
    for (const value of ['1', '12:34', 'a~b', "x y!'()*", 'é/ü', '%41']) {
      const id = jobIdFor('a', 'sectigo.revokePAC', { field: 'orderNumber', value });
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
      expect(id.split('~')).toHaveLength(4);
      expect(parseJobId(id)?.value).toBe(canonicalTargetValue('orderNumber', value));
    }
  });

  it('rejects parts that cannot make an id', () => {
    expect(() => jobIdFor('a:b', 'sectigo.revokeSSL', { field: 'orderNumber', value: '1' })).toThrow(
      /account/,
    );
    expect(() =>
      jobIdFor('a', 'sectigo.nope' as 'sectigo.revokeSSL', { field: 'orderNumber', value: '1' }),
    ).toThrow(/operation/);
    expect(() => jobIdFor('a', 'sectigo.revokeSSL', { field: 'order:Number', value: '1' })).toThrow(/field/);
    expect(() => jobIdFor('a', 'sectigo.revokeSSL', { field: 'orderNumber', value: '  ' })).toThrow(/empty/);
  });
});

describe('parseJobId', () => {
  it('reads an id back into its parts', () => {
    expect(parseJobId('acme~sectigo.revokeSSL~serialNumber~ABCD')).toEqual({
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      field: 'serialNumber',
      value: 'ABCD',
      rehearsal: false,
    });
  });

  it('reads a target variant (includeInCRL=N) and the rehearsal suffix after it', () => {
    const target = { field: 'serialNumber', value: 'ab12', variant: 'noCRL' };
    const real = jobIdFor('acme', 'sectigo.revokeCertificate', target);
    const rehearsed = jobIdFor('acme', 'sectigo.revokeCertificate', target, { rehearsal: true });
    expect(real).toBe('acme~sectigo.revokeCertificate~serialNumber~AB12~noCRL');
    expect(rehearsed).toBe('acme~sectigo.revokeCertificate~serialNumber~AB12~noCRL~rehearsal');
    expect(parseJobId(real)).toMatchObject({ value: 'AB12', variant: 'noCRL', rehearsal: false });
    expect(parseJobId(rehearsed)).toMatchObject({ value: 'AB12', variant: 'noCRL', rehearsal: true });
    // The same certificate without the variant is another job.
    expect(jobIdFor('acme', 'sectigo.revokeCertificate', { field: 'serialNumber', value: 'ab12' })).not.toBe(
      real,
    );
    expect(() =>
      jobIdFor('a', 'sectigo.revokeSSL', { field: 'orderNumber', value: '1', variant: 'x~y' }),
    ).toThrow(/variant/);
  });

  it('returns undefined for ids it did not make', () => {
    for (const id of [
      '123',
      'a~b~c',
      'acme~sectigo.other~orderNumber~1',
      'acme~sectigo.revokeSSL~orderNumber~%E0%A4%A',
    ]) {
      expect(parseJobId(id)).toBeUndefined();
    }
  });
});

describe('rehearsal job ids', () => {
  it('keeps a rehearsal apart from the real revocation of the same target', () => {
    const target = { field: 'orderNumber', value: '1234' };
    const real = jobIdFor('acme', 'sectigo.revokeSSL', target);
    const rehearsal = jobIdFor('acme', 'sectigo.revokeSSL', target, { rehearsal: true });
    expect(rehearsal).not.toBe(real);
    expect(parseJobId(rehearsal)).toMatchObject({ account: 'acme', value: '1234', rehearsal: true });
    expect(parseJobId(real)).toMatchObject({ rehearsal: false });
  });
});
