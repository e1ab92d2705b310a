import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readInputRowsFromString } from '../../../src/jobs/input-file.ts';
import type { InputRow, ValidationContext, ValidItem } from '../../../src/jobs/input-row.ts';
import { formatRowErrors, validateInput } from '../../../src/jobs/input-validation.ts';
import type { OperationSpec } from '../../../src/vendors/operation.ts';

const revokeSsl = {
  name: 'sectigo.revokeSSL',
  vendor: 'sectigo',
  kind: 'revoke',
  params: z.strictObject({ orderNumber: z.string().regex(/^\d+$/, { error: 'orderNumber must be digits' }) }),
  targetOf: (p: { orderNumber: string }) => ({ field: 'orderNumber', value: p.orderNumber }),
  execute: () => Promise.reject(new Error('not called')),
} as OperationSpec;

const context: ValidationContext = {
  accounts: { acme: { vendor: 'sectigo' }, beta: { vendor: 'sectigo' } },
  operations: new Map([[revokeSsl.name, revokeSsl]]),
};

function* rows(count: number, make: (i: number) => Record<string, unknown>): Generator<InputRow> {
  for (let i = 1; i <= count; i++) yield { rowNumber: i + 1, raw: make(i) };
}

describe('validateInput', () => {
  it('counts rows, valid items per account, and blocks on any invalid row', async () => {
    const csv = [
      'account,operation,orderNumber',
      'acme,sectigo.revokeSSL,1',
      'beta,sectigo.revokeSSL,2',
      'acme,sectigo.revokeSSL,x',
      'acme,sectigo.revokeSSL,3',
    ].join('\n');
    const summary = await validateInput(readInputRowsFromString(csv, 'csv'), context);
    expect(summary).toEqual({
      ok: false,
      rows: 4,
      valid: 3,
      invalid: 1,
      errorCount: 1,
      errors: [{ row: 4, field: 'orderNumber', message: 'orderNumber must be digits' }],
      duplicateCount: 0,
      duplicates: [],
      perAccount: { acme: 2, beta: 1 },
    });
    expect(formatRowErrors(summary.errors)).toEqual(['row 4, orderNumber: orderNumber must be digits']);
  });

  it('lets the valid rows go ahead with skipInvalid', async () => {
    const summary = await validateInput(
      rows(3, (i) => ({
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        orderNumber: i === 2 ? '' : String(i),
      })),
      context,
      { skipInvalid: true },
    );
    expect(summary).toMatchObject({ ok: true, valid: 2, invalid: 1 });
  });

  it('keeps the first row of a job id and reports later ones as duplicates of it, not as errors', async () => {
    const items: ValidItem[] = [];
    const summary = await validateInput(
      [
        { rowNumber: 2, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '0042' } },
        { rowNumber: 3, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '7' } },
        { rowNumber: 4, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '42' } },
        { rowNumber: 5, raw: { account: 'beta', operation: 'sectigo.revokeSSL', orderNumber: '42' } },
      ],
      context,
      { onItem: (item) => void items.push(item) },
    );
    expect(summary).toMatchObject({
      ok: true,
      rows: 4,
      valid: 3,
      invalid: 0,
      duplicateCount: 1,
      duplicates: [{ row: 4, duplicateOf: 2, jobId: 'acme~sectigo.revokeSSL~orderNumber~42' }],
    });
    expect(items.map((i) => i.row)).toEqual([2, 3, 5]);
  });

  it('counts every error but keeps only the first maxErrors', async () => {
    const summary = await validateInput(
      rows(50, () => ({ account: 'nope', operation: 'sectigo.revokeSSL', orderNumber: 'x' })),
      context,
      { maxErrors: 5 },
    );
    expect(summary).toMatchObject({ rows: 50, invalid: 50, errorCount: 100 });
    expect(summary.errors).toHaveLength(5);
    expect(summary.errors[0]).toEqual({
      row: 2,
      field: 'account',
      message: expect.stringContaining('unknown account'),
    });
  });

  it('turns unreadable lines into errors for their rows', async () => {
    const summary = await validateInput(
      readInputRowsFromString(
        '{"account":"acme","operation":"sectigo.revokeSSL","orderNumber":"1"}\n{oops\n',
        'jsonl',
      ),
      context,
    );
    expect(summary).toMatchObject({ ok: false, rows: 2, valid: 1, invalid: 1 });
    expect(summary.errors).toEqual([
      { row: 2, field: 'json', message: expect.stringMatching(/^not valid JSON/) },
    ]);
  });

  it('rejects a bad maxErrors', async () => {
    await expect(validateInput([], context, { maxErrors: -1 })).rejects.toThrow(/maxErrors/);
  });
});
