import { beforeAll, describe, expect, it } from 'vitest';
import { checkCsr } from '../../../src/vendors/sectigo/csr.ts';
import { type CsrFixtures, makeCsrFixtures } from './csr-fixtures.ts';

let fixtures: CsrFixtures;

beforeAll(async () => {
  fixtures = await makeCsrFixtures();
});

function accepted(value: unknown): string {
  const result = checkCsr(value);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function refused(value: unknown): string {
  const result = checkCsr(value);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.message;
}

describe('csr', () => {
  it('accepts a PEM request with its armour, as canonical PEM', () => {
    expect(accepted(fixtures.csrPem)).toBe(fixtures.csrPem);
  });

  it('accepts the same request as bare base64, and sends it armoured', () => {
    expect(accepted(fixtures.csrBase64)).toBe(fixtures.csrPem);
  });

  it('accepts CRLF line breaks, surrounding blanks and the older NEW CERTIFICATE REQUEST label', () => {
    const windows = `\r\n${fixtures.csrPem.replaceAll('\n', '\r\n')}\r\n`;
    expect(accepted(windows)).toBe(fixtures.csrPem);
    const legacy = fixtures.csrPem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST');
    expect(accepted(legacy)).toBe(fixtures.csrPem);
  });

  it('is idempotent: its output is accepted unchanged', () => {
    const once = accepted(fixtures.csrBase64);
    expect(accepted(once)).toBe(once);
  });

  it('rejects a certificate PEM, naming csr and what it got instead', () => {
    expect(refused(fixtures.certificatePem)).toBe(
      'csr is a PEM CERTIFICATE, not a CERTIFICATE REQUEST (PKCS#10)',
    );
  });

  it('rejects a certificate as bare base64: valid DER, but not PKCS#10', () => {
    expect(refused(fixtures.certificateBase64)).toBe('csr is not a PKCS#10 certificate request');
  });

  it('rejects a certificate wrapped in CSR armour', () => {
    const disguised = fixtures.certificatePem.replaceAll('CERTIFICATE', 'CERTIFICATE REQUEST');
    expect(refused(disguised)).toBe('csr is not a PKCS#10 certificate request');
  });

  it.each([
    ['base64 of text', Buffer.from('hello world, not a csr').toString('base64')],
    ['base64 of random bytes', 'q83vEjRWeJq83vEjRWeJq83vEjRWeJ=='],
  ])('rejects %s', (_, value) => {
    expect(refused(value)).toMatch(/^csr is not a PKCS#10 certificate request/);
  });

  it('rejects text that is not base64 at all', () => {
    expect(refused('this is not a CSR!')).toBe('csr is not base64 or PEM');
  });

  it('rejects a request with bytes glued to its end', () => {
    const der = Buffer.concat([Buffer.from(fixtures.csrBase64, 'base64'), Buffer.from([0, 0, 0])]);
    expect(refused(der.toString('base64'))).toMatch(/^csr is not a PKCS#10 certificate request/);
  });

  it('rejects a cut-off request', () => {
    const der = Buffer.from(fixtures.csrBase64, 'base64');
    expect(refused(der.subarray(0, der.length - 8).toString('base64'))).toMatch(/^csr is not a PKCS#10/);
  });

  it('rejects mismatched armour', () => {
    const broken = fixtures.csrPem.replace('-----END CERTIFICATE REQUEST-----', '-----END CERTIFICATE-----');
    expect(refused(broken)).toContain('csr has broken PEM armour');
  });

  it('rejects more than 32767 characters before decoding anything', () => {
    const padded = `${fixtures.csrPem}${' '.repeat(32768)}`;
    expect(refused(padded)).toBe(`csr must be at most 32767 characters, got ${padded.length}`);
  });

  it('rejects a value that is not a string', () => {
    expect(refused(42)).toContain('csr must be a PEM or base64 string');
  });
});
