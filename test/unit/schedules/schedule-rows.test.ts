import { describe, expect, it } from 'vitest';
import type { InputRow } from '../../../src/jobs/input-row.ts';
import { withScheduleAccount } from '../../../src/schedules/schedule-rows.ts';

async function collect(rows: InputRow[], account: string | undefined): Promise<InputRow[]> {
  const out: InputRow[] = [];
  async function* source() {
    yield* rows;
  }
  for await (const row of withScheduleAccount(source(), account)) out.push(row);
  return out;
}

describe("a schedule's account", () => {
  it('fills rows without an account, keeps rows naming it, and makes any other account a row error', async () => {
    const rows: InputRow[] = [
      { rowNumber: 2, raw: { operation: 'sectigo.revokeSSL', orderNumber: '1' } },
      { rowNumber: 3, raw: { account: '', operation: 'sectigo.revokeSSL', orderNumber: '2' } },
      { rowNumber: 4, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '3' } },
      { rowNumber: 5, raw: { account: 'other', operation: 'sectigo.revokeSSL', orderNumber: '4' } },
      { rowNumber: 6, raw: {}, readError: { field: 'json', message: 'not valid JSON' } },
    ];
    const out = await collect(rows, 'acme');
    expect(out.map((r) => r.raw.account)).toEqual(['acme', 'acme', 'acme', undefined, undefined]);
    expect(out[3]).toEqual({
      rowNumber: 5,
      raw: {},
      readError: {
        field: 'account',
        message: 'this schedule runs for account acme only; the row names "other"',
      },
    });
    expect(out[4]?.readError?.field).toBe('json');
  });

  it('leaves rows alone when the schedule names no account', async () => {
    const rows: InputRow[] = [{ rowNumber: 2, raw: { account: 'other', operation: 'x' } }];
    expect(await collect(rows, undefined)).toEqual(rows);
  });
});
