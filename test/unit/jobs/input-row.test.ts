import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../../src/config.ts';
import {
  rowWarnings,
  type ValidationContext,
  validateInputRow,
  validateRow,
} from '../../../src/jobs/input-row.ts';
import type { OperationName, OperationSpec } from '../../../src/vendors/operation.ts';
import { operations as registry } from '../../../src/vendors/registry.ts';

// Small stand-ins for the vendor operations: the rules under test are the row's, not the vendor's.
function spec<P>(
  name: OperationName,
  params: z.ZodType<P>,
  targetOf: (p: P) => { field: string; value: string },
): OperationSpec {
  return {
    name,
    vendor: name.startsWith('sectigo.') ? 'sectigo' : 'digicert',
    kind: 'revoke',
    hasTestMode: name.startsWith('sectigo.'),
    params,
    targetOf,
    execute: () => Promise.reject(new Error('not called in these tests')),
  } as OperationSpec;
}

const revokeSsl = spec(
  'sectigo.revokeSSL',
  z
    .object({
      orderNumber: z
        .string()
        .regex(/^\d+$/, { error: 'orderNumber must be digits' })
        .transform((s) => s.replace(/^0+(?=\d)/, ''))
        .optional(),
      serialNumber: z.string().optional(),
      codeReason: z
        .enum(['0', '1', '3', '4', '5'], { error: 'codeReason must be 0, 1, 3, 4 or 5' })
        .optional(),
      revocationReason: z.string().max(20).optional(),
    })
    .refine((p) => p.orderNumber !== undefined || p.serialNumber !== undefined, {
      error: 'one of orderNumber or serialNumber is required',
    }),
  (p) =>
    p.orderNumber !== undefined
      ? { field: 'orderNumber', value: p.orderNumber }
      : { field: 'serialNumber', value: p.serialNumber ?? '' },
);

const revokePac = spec(
  'sectigo.revokePAC',
  z.union([z.strictObject({ orderNumber: z.string() }), z.strictObject({ certificateID: z.string() })]),
  (p) =>
    'orderNumber' in p
      ? { field: 'orderNumber', value: p.orderNumber }
      : { field: 'certificateID', value: p.certificateID },
);

const revokeOrder = spec(
  'digicert.revokeOrder',
  z.strictObject({
    order_id: z.string().regex(/^\d+$/),
    comments: z.string(),
    revocation_reason: z.string().optional(),
  }),
  (p) => ({ field: 'order_id', value: p.order_id }),
);

const replaceSmime = spec('sectigo.replaceSMIME', z.looseObject({ orderNumber: z.string() }), (p) => ({
  field: 'orderNumber',
  value: p.orderNumber,
}));

const context: ValidationContext = {
  accounts: { acme: { vendor: 'sectigo' }, dc: { vendor: 'digicert' } },
  operations: new Map([revokeSsl, revokePac, revokeOrder, replaceSmime].map((s) => [s.name, s])),
};

const errorsOf = (raw: Record<string, unknown>, row = 2, ctx = context) => {
  const result = validateRow(raw, row, ctx);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.item)}`);
  return result.errors;
};

describe('validateRow: a valid row', () => {
  it('becomes an item with normalised params, its target and job id', () => {
    expect(
      validateRow(
        { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '00123', codeReason: '1' },
        7,
        context,
      ),
    ).toEqual({
      ok: true,
      item: {
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        params: { orderNumber: '123', codeReason: '1' },
        target: { field: 'orderNumber', value: '123' },
        jobId: 'acme~sectigo.revokeSSL~orderNumber~123',
        row: 7,
        rehearsal: false,
      },
    });
  });

  // Rehearsal is decided here, at submit, and travels in the job: never from a worker's config.
  it.each([
    ['the account rehearses', { ...context, accounts: { acme: { vendor: 'sectigo', rehearsal: true } } }, {}],
    ['submit --rehearsal', { ...context, rehearsal: true }, {}],
  ] as const)('makes the item a rehearsal when %s', (_why, ctx, extra) => {
    const result = validateRow(
      { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '5', ...extra },
      2,
      ctx as ValidationContext,
    );
    expect(result.ok && result.item.rehearsal).toBe(true);
    expect(result.ok && result.item.jobId).toBe('acme~sectigo.revokeSSL~orderNumber~5~rehearsal');
  });

  it('keeps an item real when nothing asks for a rehearsal', () => {
    const result = validateRow(
      { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '5' },
      2,
      context,
    );
    expect(result.ok && result.item.rehearsal).toBe(false);
  });

  it('drops empty and blank CSV cells and trims the others', () => {
    const result = validateRow(
      {
        account: ' acme ',
        operation: 'sectigo.revokeSSL',
        orderNumber: ' 5 ',
        serialNumber: '',
        codeReason: '   ',
        revocationReason: null,
      },
      2,
      context,
    );
    expect(result).toMatchObject({ ok: true, item: { account: 'acme', params: { orderNumber: '5' } } });
    if (result.ok) expect(Object.keys(result.item.params)).toEqual(['orderNumber']);
  });

  it('ignores note columns that start with #', () => {
    expect(
      validateRow(
        {
          account: 'acme',
          operation: 'sectigo.revokeSSL',
          orderNumber: '5',
          '#commonName': 'www.example.com',
        },
        2,
        context,
      ).ok,
    ).toBe(true);
  });
});

describe('validateRow: account and operation', () => {
  it('requires both', () => {
    expect(errorsOf({ orderNumber: '1' })).toEqual([
      { row: 2, field: 'account', message: expect.stringContaining('required') },
      { row: 2, field: 'operation', message: expect.stringContaining('required: one of sectigo.revokeSSL') },
    ]);
  });

  it('rejects an account that is not configured, naming the configured ones', () => {
    expect(errorsOf({ account: 'nope', operation: 'sectigo.revokeSSL', orderNumber: '1' })).toEqual([
      { row: 2, field: 'account', message: 'unknown account "nope" (configured: acme, dc)' },
    ]);
  });

  it('does not take Object.prototype names for accounts', () => {
    expect(
      errorsOf({ account: 'constructor', operation: 'sectigo.revokeSSL', orderNumber: '1' })[0]?.field,
    ).toBe('account');
  });

  it('rejects an unknown operation', () => {
    expect(errorsOf({ account: 'acme', operation: 'sectigo.revokeEverything' })).toEqual([
      {
        row: 2,
        field: 'operation',
        message: expect.stringContaining('unknown operation "sectigo.revokeEverything"'),
      },
    ]);
  });

  it('rejects an account of another vendor than the operation, naming account', () => {
    expect(
      errorsOf({ account: 'acme', operation: 'digicert.revokeOrder', order_id: '5', comments: 'leak' }),
    ).toEqual([
      {
        row: 2,
        field: 'account',
        message: '"acme" is a sectigo account; digicert.revokeOrder needs a digicert account',
      },
    ]);
    expect(errorsOf({ account: 'dc', operation: 'sectigo.revokeSSL', orderNumber: '5' })[0]?.field).toBe(
      'account',
    );
  });

  it('still checks the params when the account is wrong, so one pass shows every problem', () => {
    expect(
      errorsOf({ account: 'nope', operation: 'sectigo.revokeSSL', orderNumber: 'x1' }).map((e) => e.field),
    ).toEqual(['account', 'orderNumber']);
  });
});

describe('validateRow: params', () => {
  it('maps schema issues to the column with the schema message', () => {
    expect(
      errorsOf({ account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '12a', codeReason: '2' }),
    ).toEqual([
      { row: 2, field: 'orderNumber', message: 'orderNumber must be digits' },
      { row: 2, field: 'codeReason', message: 'codeReason must be 0, 1, 3, 4 or 5' },
    ]);
  });

  it('reports a rule over several columns as params', () => {
    expect(errorsOf({ account: 'acme', operation: 'sectigo.revokeSSL', codeReason: '1' })).toEqual([
      { row: 2, field: 'params', message: 'one of orderNumber or serialNumber is required' },
    ]);
  });

  it('rejects a column the operation does not take, even when its schema would drop it', () => {
    expect(
      errorsOf({ account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1', codeReasn: '1' }),
    ).toEqual([
      {
        row: 2,
        field: 'codeReasn',
        message: expect.stringContaining(
          'not a column of sectigo.revokeSSL (its columns: account, operation, orderNumber',
        ),
      },
    ]);
  });

  it('leaves unknown columns to a schema that takes any key', () => {
    expect(
      validateRow(
        { account: 'acme', operation: 'sectigo.replaceSMIME', orderNumber: '1', extra: 'x' },
        2,
        context,
      ).ok,
    ).toBe(true);
  });

  it('rejects credential columns', () => {
    expect(
      errorsOf({
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        orderNumber: '1',
        loginPassword: 'pw',
        APIKEY: 'k',
      }),
    ).toEqual([
      {
        row: 2,
        field: 'loginPassword',
        message: expect.stringContaining('credentials never go in input rows'),
      },
      { row: 2, field: 'APIKEY', message: expect.stringContaining('credentials never go in input rows') },
    ]);
  });

  it('says "required" for a missing field rather than zod\'s type wording', () => {
    expect(errorsOf({ account: 'dc', operation: 'digicert.revokeOrder', order_id: '5' })).toEqual([
      { row: 2, field: 'comments', message: 'required (a revocationReason column gives it too)' },
    ]);
  });

  it('picks the union branch the row meant, or lists the alternatives', () => {
    expect(errorsOf({ account: 'acme', operation: 'sectigo.revokePAC', orderNumber: 5 })).toEqual([
      { row: 2, field: 'orderNumber', message: expect.stringContaining('expected string') },
    ]);
    expect(errorsOf({ account: 'acme', operation: 'sectigo.revokePAC' })).toEqual([
      { row: 2, field: 'params', message: 'needs one of: orderNumber, certificateID' },
    ]);
  });

  it('reports a target the operation cannot name as params', () => {
    const broken = spec('sectigo.revokeSSL', z.object({ orderNumber: z.string() }), () => {
      throw new Error('no target');
    });
    const ctx = { ...context, operations: new Map([[broken.name, broken]]) };
    expect(errorsOf({ account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1' }, 2, ctx)).toEqual([
      { row: 2, field: 'params', message: 'no target to revoke: no target' },
    ]);
  });
});

describe('validateRow: digicert.revokeOrder columns', () => {
  it('turns revocationReason into comments and accepts orderNumber as order_id', () => {
    expect(
      validateRow(
        {
          account: 'dc',
          operation: 'digicert.revokeOrder',
          orderNumber: '42',
          revocationReason: 'key leaked',
        },
        3,
        context,
      ),
    ).toMatchObject({
      ok: true,
      item: {
        params: { order_id: '42', comments: 'key leaked' },
        jobId: 'dc~digicert.revokeOrder~order_id~42',
      },
    });
  });

  it('rejects both spellings of one parameter, naming the alias', () => {
    expect(
      errorsOf({
        account: 'dc',
        operation: 'digicert.revokeOrder',
        order_id: '1',
        orderNumber: '1',
        comments: 'c',
        revocationReason: 'r',
      }),
    ).toEqual([
      {
        row: 2,
        field: 'revocationReason',
        message: expect.stringContaining('either revocationReason or comments'),
      },
      { row: 2, field: 'orderNumber', message: expect.stringContaining('either orderNumber or order_id') },
    ]);
  });

  it('names the column the row used in schema errors', () => {
    expect(
      errorsOf({ account: 'dc', operation: 'digicert.revokeOrder', orderNumber: 'x', comments: 'c' }),
    ).toEqual([{ row: 2, field: 'orderNumber', message: expect.any(String) }]);
  });

  it('leaves revocationReason alone for Sectigo operations', () => {
    expect(
      validateRow(
        { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1', revocationReason: 'r' },
        2,
        context,
      ),
    ).toMatchObject({
      ok: true,
      item: { params: { revocationReason: 'r' } },
    });
  });
});

describe('validateInputRow', () => {
  it('turns a row the reader could not read into one error', () => {
    expect(
      validateInputRow(
        { rowNumber: 9, raw: {}, readError: { field: 'json', message: 'not valid JSON' } },
        context,
      ),
    ).toEqual({
      ok: false,
      errors: [{ row: 9, field: 'json', message: 'not valid JSON' }],
    });
  });

  it('validates a readable row', () => {
    expect(
      validateInputRow(
        { rowNumber: 4, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1' } },
        context,
      ).ok,
    ).toBe(true);
  });
});

describe('validateRow with the real vendor operations', () => {
  const config = parseConfig(
    {
      accounts: {
        acme: { vendor: 'sectigo', credentials: { loginName: 'u', loginPassword: { env: 'PW' } } },
        dc: { vendor: 'digicert', credentials: { apiKey: { env: 'KEY' } } },
      },
    },
    {},
  );
  const real: ValidationContext = { accounts: config.accounts, operations: registry };

  it("makes a row with test=Y a rehearsal, and a DigiCert account's rehearsal setting too", () => {
    const row = { operation: 'sectigo.revokeSSL', account: 'acme', orderNumber: '9', test: 'Y' };
    expect(validateRow(row, 2, real)).toMatchObject({ ok: true, item: { rehearsal: true } });
    const dcRehearses: ValidationContext = {
      ...real,
      accounts: { ...real.accounts, dc: { vendor: 'digicert', rehearsal: true } },
    };
    const dcRow = { operation: 'digicert.revokeOrder', account: 'dc', orderNumber: '42', comments: 'x' };
    expect(validateRow(dcRow, 2, dcRehearses)).toMatchObject({
      ok: true,
      item: { rehearsal: true, jobId: 'dc~digicert.revokeOrder~order_id~42~rehearsal' },
    });
  });

  it('accepts each operation and makes its job id', () => {
    const rows = [
      [
        { operation: 'sectigo.revokeSSL', account: 'acme', serialNumber: '00:ab:cd' },
        'acme~sectigo.revokeSSL~serialNumber~ABCD',
      ],
      [
        { operation: 'sectigo.revokeSSL', account: 'acme', orderNumber: '0001234', codeReason: '1' },
        'acme~sectigo.revokeSSL~orderNumber~1234',
      ],
      [
        {
          operation: 'digicert.revokeOrder',
          account: 'dc',
          orderNumber: '42',
          revocationReason: 'key compromise',
        },
        'dc~digicert.revokeOrder~order_id~42',
      ],
    ] as const;
    for (const [raw, jobId] of rows) {
      expect(validateRow(raw, 2, real)).toMatchObject({ ok: true, item: { jobId } });
    }
  });

  it('gives the DigiCert call the row reason as comments', () => {
    const result = validateRow(
      { account: 'dc', operation: 'digicert.revokeOrder', order_id: '7', revocationReason: 'leaked key' },
      2,
      real,
    );
    expect(result).toMatchObject({ ok: true, item: { params: { order_id: 7, comments: 'leaked key' } } });
  });

  it('reports the vendor schema messages by column', () => {
    expect(
      errorsOf(
        { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1', certificateID: '2' },
        2,
        real,
      ),
    ).toEqual([
      {
        row: 2,
        field: 'params',
        message: expect.stringContaining('give only one of orderNumber, certificateID or serialNumber'),
      },
    ]);
    expect(
      errorsOf({ account: 'acme', operation: 'sectigo.revokeSSL', serialNumber: 1234 }, 2, real),
    ).toEqual([{ row: 2, field: 'serialNumber', message: expect.stringContaining('hexadecimal') }]);
    expect(
      errorsOf(
        { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1', codeReason: '2' },
        2,
        real,
      )[0]?.field,
    ).toBe('codeReason');
  });

  it("ignores the other vendor's empty columns in a mixed CSV row", () => {
    const row = {
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      orderNumber: '9',
      order_id: '',
      comments: '',
      revocationReason: '',
    };
    expect(validateRow(row, 2, real).ok).toBe(true);
  });
});

describe('rowWarnings: DigiCert order or certificate', () => {
  const context = {
    accounts: { dc: { vendor: 'digicert' as const } },
    operations: registry,
  };
  const warningsOf = (raw: Record<string, unknown>) => {
    const result = validateRow(raw, 2, context);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return rowWarnings(result.item).map((w) => w.field);
  };

  it('warns when a whole order is revoked for a key compromise, and points to revokeCertificate', () => {
    expect(
      warningsOf({
        account: 'dc',
        operation: 'digicert.revokeOrder',
        order_id: '1',
        revocation_reason: 'key_compromise',
      }),
    ).toEqual(['operation']);
    expect(
      warningsOf({
        account: 'dc',
        operation: 'digicert.revokeOrder',
        order_id: '1',
        revocationReason: 'Key compromise 2026-12-07',
      }),
    ).toEqual(['operation']);
    expect(
      warningsOf({
        account: 'dc',
        operation: 'digicert.revokeOrder',
        order_id: '1',
        revocationReason: 'superseded',
      }),
    ).toEqual([]);
    expect(
      warningsOf({
        account: 'dc',
        operation: 'digicert.revokeCertificate',
        certificateID: '7',
        revocation_reason: 'key_compromise',
      }),
    ).toEqual([]);
  });

  it('warns when a DigiCert serial could be read as a certificate id', () => {
    expect(
      warningsOf({ account: 'dc', operation: 'digicert.revokeCertificate', serialNumber: '123456' }),
    ).toEqual(['serialNumber']);
    expect(
      warningsOf({ account: 'dc', operation: 'digicert.revokeCertificate', serialNumber: '12AB' }),
    ).toEqual([]);
  });
});
