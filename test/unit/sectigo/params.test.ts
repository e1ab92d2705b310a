import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { sectigoCredentialsSchema } from '../../../src/vendors/sectigo/credentials.ts';
import { revokeCertificateParamsSchema } from '../../../src/vendors/sectigo/revoke-certificate.ts';
import { revokePacParamsSchema } from '../../../src/vendors/sectigo/revoke-pac.ts';
import { revokeSslParamsSchema } from '../../../src/vendors/sectigo/revoke-ssl.ts';

/** The parsed value, or the test fails showing the messages. */
function ok<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

/** The messages of a rejected input, joined. */
function rejected(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? '' : result.error.issues.map((issue) => issue.message).join('; ');
}

const ssl = revokeSslParamsSchema;
const cert = revokeCertificateParamsSchema;
const pac = revokePacParamsSchema;

describe('orderNumber', () => {
  it('takes a number or a digit string and normalises to digits without leading zeros', () => {
    expect(ok(ssl, { orderNumber: 1234567 }).orderNumber).toBe('1234567');
    expect(ok(ssl, { orderNumber: '1234567' }).orderNumber).toBe('1234567');
    expect(ok(ssl, { orderNumber: ' 0001234567 ' }).orderNumber).toBe('1234567');
  });

  it.each([0, '0', -5, '-5', 1.5, '12a', 'abc', true, {}])('rejects %j naming the field', (value) => {
    expect(rejected(pac, { orderNumber: value, revocationReason: 'x' })).toContain('orderNumber');
  });

  it('refuses a JSON number too large to be exact, and says to use a string', () => {
    expect(rejected(pac, { orderNumber: 2 ** 53 + 2, revocationReason: 'x' })).toMatch(
      /orderNumber is too large.*string/,
    );
    expect(ok(pac, { orderNumber: '9007199254740995', revocationReason: 'x' }).orderNumber).toBe(
      '9007199254740995',
    );
  });

  it('is required where the endpoint requires it, and an empty CSV cell is missing', () => {
    expect(rejected(cert, {})).toContain('orderNumber is required');
    expect(rejected(cert, { orderNumber: '' })).toContain('orderNumber is required');
    expect(rejected(cert, { orderNumber: null })).toContain('orderNumber is required');
  });
});

describe('certificateID', () => {
  it('takes up to 16 digits', () => {
    expect(ok(ssl, { certificateID: '1234567890123456' }).certificateID).toBe('1234567890123456');
    expect(ok(ssl, { certificateID: 42 }).certificateID).toBe('42');
  });

  it('rejects 17 digits and non-digits', () => {
    expect(rejected(ssl, { certificateID: '12345678901234567' })).toContain(
      'certificateID must be at most 16 digits',
    );
    expect(rejected(ssl, { certificateID: 'ab12' })).toContain('certificateID');
  });
});

describe('serialNumber', () => {
  it('normalises to upper-case hex and accepts colon-separated byte pairs', () => {
    expect(ok(ssl, { serialNumber: '0a1b2c' }).serialNumber).toBe('0A1B2C');
    expect(ok(ssl, { serialNumber: '0a:1b:2c' }).serialNumber).toBe('0A1B2C');
    expect(ok(ssl, { serialNumber: ' 00FF ' }).serialNumber).toBe('00FF');
  });

  it.each(['xyz', '0x1f', '0a:1b:2', 'a:bc', '0a-1b', '0a 1b'])('rejects %j', (value) => {
    expect(rejected(ssl, { serialNumber: value })).toContain('serialNumber must be hexadecimal');
  });

  it('rejects a JSON number: a serial is hex, not decimal', () => {
    expect(rejected(ssl, { serialNumber: 1234 })).toContain('serialNumber must be a string of hexadecimal');
  });

  it('allows 34 hex digits on AutoRevokeSSL, not 35', () => {
    expect(ok(ssl, { serialNumber: 'a'.repeat(34) }).serialNumber).toBe('A'.repeat(34));
    expect(rejected(ssl, { serialNumber: 'a'.repeat(35) })).toContain('at most 34 hexadecimal digits');
  });

  it('counts hex digits, not colons', () => {
    const seventeenBytes = Array.from({ length: 17 }, () => 'ab').join(':');
    expect(ok(ssl, { serialNumber: seventeenBytes }).serialNumber).toHaveLength(34);
  });

  it('allows 50 hex digits on autoRevokeCertificate, not 51', () => {
    expect(ok(cert, { orderNumber: 1, serialNumber: 'f'.repeat(50) }).serialNumber).toBe('F'.repeat(50));
    expect(rejected(cert, { orderNumber: 1, serialNumber: 'f'.repeat(51) })).toContain('at most 50');
  });
});

describe('revocationReason', () => {
  it('takes up to 1024 characters, kept as given', () => {
    const reason = `  key ${'x'.repeat(1016)}  `;
    expect(reason).toHaveLength(1024);
    expect(ok(ssl, { orderNumber: 1, revocationReason: reason }).revocationReason).toBe(reason);
  });

  it('rejects 1025 characters', () => {
    expect(rejected(ssl, { orderNumber: 1, revocationReason: 'x'.repeat(1025) })).toContain(
      'revocationReason must be at most 1024 characters',
    );
  });

  it('is required on AutoRevokePAC only', () => {
    expect(rejected(pac, { orderNumber: 1 })).toContain('revocationReason is required');
    expect(rejected(pac, { orderNumber: 1, revocationReason: '   ' })).toContain(
      'revocationReason is required',
    );
    expect(ok(cert, { orderNumber: 1 }).revocationReason).toBeUndefined();
  });
});

describe('codeReason', () => {
  it.each([0, 1, 3, 4, 5, '0', '1', '3', '4', '5'])('accepts %j', (value) => {
    expect(ok(ssl, { orderNumber: 1, codeReason: value }).codeReason).toBe(Number(value));
  });

  it.each([2, '2', 6, '6', -1, 10, 'keyCompromise', 1.5])(
    'rejects %j naming the field and the choices',
    (value) => {
      const message = rejected(ssl, { orderNumber: 1, codeReason: value });
      expect(message).toContain('codeReason must be one of 0 (unspecified), 1 (keyCompromise)');
    },
  );

  it('defaults to 0 where the vendor defaults it, and stays absent on AutoRevokeSSL', () => {
    expect(ok(cert, { orderNumber: 1 }).codeReason).toBe(0);
    expect(ok(pac, { orderNumber: 1, revocationReason: 'x' }).codeReason).toBe(0);
    expect(ok(ssl, { orderNumber: 1 }).codeReason).toBeUndefined();
  });
});

describe('test and the other Y/N flags', () => {
  it.each([
    ['Y', 'Y'],
    ['y', 'Y'],
    ['N', 'N'],
    [' n ', 'N'],
    [true, 'Y'],
    [false, 'N'],
  ] as const)('reads %j as %s', (value, expected) => {
    expect(ok(ssl, { orderNumber: 1, test: value }).test).toBe(expected);
    expect(ok(cert, { orderNumber: 1, includeInCRL: value }).includeInCRL).toBe(expected);
  });

  it.each(['yes', 'true', 1, 'X'])('rejects %j', (value) => {
    expect(rejected(ssl, { orderNumber: 1, test: value })).toContain('test must be Y or N');
  });
});

describe('responseFormat', () => {
  it('defaults to 1 on the revoke endpoints that take it', () => {
    expect(ok(ssl, { orderNumber: 1 }).responseFormat).toBe(1);
    expect(ok(cert, { orderNumber: 1 }).responseFormat).toBe(1);
  });

  it('accepts 0 and 1 as numbers or strings, not 2', () => {
    expect(ok(ssl, { orderNumber: 1, responseFormat: '0' }).responseFormat).toBe(0);
    expect(ok(cert, { orderNumber: 1, responseFormat: 1 }).responseFormat).toBe(1);
    expect(rejected(ssl, { orderNumber: 1, responseFormat: 2 })).toContain(
      'responseFormat must be one of 0, 1',
    );
  });

  it('is not a parameter of AutoRevokePAC, which answers in lines only', () => {
    expect(rejected(pac, { orderNumber: 1, revocationReason: 'x', responseFormat: 0 })).toContain(
      'unknown parameter "responseFormat"',
    );
  });
});

describe('accountID and productCode', () => {
  it('take positive integers as numbers or strings', () => {
    expect(ok(cert, { orderNumber: 1, accountID: 77, productCode: '287' })).toMatchObject({
      accountID: '77',
      productCode: '287',
    });
    expect(ok(pac, { orderNumber: 1, revocationReason: 'x', accountID: '77' }).accountID).toBe('77');
  });

  it('reject anything else, naming the field', () => {
    expect(rejected(cert, { orderNumber: 1, accountID: 'acme' })).toContain('accountID');
    expect(rejected(cert, { orderNumber: 1, productCode: -3 })).toContain('productCode');
  });
});

describe('unknown parameters', () => {
  it('are reported by name, not dropped', () => {
    const message = rejected(ssl, { orderNumber: 1, revocationReson: 'typo' });
    expect(message).toContain('unknown parameter "revocationReson" for sectigo.revokeSSL');
    expect(message).toContain('revocationReason');
  });

  it('include credentials and routing fields: those come from the account, not the params', () => {
    expect(rejected(ssl, { orderNumber: 1, loginPassword: 'x' })).toContain('"loginPassword"');
    expect(rejected(cert, { orderNumber: 1, account: 'main' })).toContain('"account"');
    expect(rejected(ssl, { orderNumber: 1, saspSessionID: 'x' })).toContain('"saspSessionID"');
  });

  it('reject a non-object', () => {
    expect(rejected(ssl, 'orderNumber=1')).toContain('must be an object');
  });
});

describe('normalisation is idempotent (job data is validated again after Redis)', () => {
  it.each([
    [ssl, { serialNumber: '0a:1b', codeReason: '1', test: true, revocationReason: 'leak' }],
    [cert, { orderNumber: '007', accountID: '9', includeInCRL: 'n', productCode: 12 }],
    [pac, { orderNumber: 5, revocationReason: 'leak', test: 'y' }],
  ] as const)('parses its own output to the same value', (schema, input) => {
    const once = ok(schema, input);
    const twice = ok(schema, JSON.parse(JSON.stringify(once)));
    expect(twice).toEqual(JSON.parse(JSON.stringify(once)));
  });
});

describe('sectigoCredentialsSchema', () => {
  it('takes a login within the limits', () => {
    expect(
      ok(sectigoCredentialsSchema, { loginName: 'a'.repeat(64), loginPassword: 'p'.repeat(128) }),
    ).toEqual({
      loginName: 'a'.repeat(64),
      loginPassword: 'p'.repeat(128),
    });
  });

  it('takes a SASP session of up to 16 characters', () => {
    expect(ok(sectigoCredentialsSchema, { saspSessionID: 's'.repeat(16) })).toEqual({
      saspSessionID: 's'.repeat(16),
    });
    expect(rejected(sectigoCredentialsSchema, { saspSessionID: 's'.repeat(17) })).toContain(
      'saspSessionID must be at most 16 characters',
    );
  });

  it('rejects a long name or password without ever showing the value', () => {
    const secret = `hunter2-${'p'.repeat(130)}`;
    const message = rejected(sectigoCredentialsSchema, { loginName: 'n'.repeat(65), loginPassword: secret });
    expect(message).toContain('loginName must be at most 64 characters');
    expect(message).toContain('loginPassword must be at most 128 characters');
    expect(message).not.toContain('hunter2');
  });

  it('requires both halves of a login', () => {
    expect(rejected(sectigoCredentialsSchema, { loginName: 'n' })).toContain('loginPassword is required');
  });
});
