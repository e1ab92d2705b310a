/**
 * A schedule's `account`, applied to its input rows: a row without an account gets the
 * schedule's, and a row naming another account is an error of that row (so the file is rejected
 * as `submit` would reject it). An unattended run must not act on an account its schedule does
 * not name, whatever a file dropped in the wrong directory says.
 */
import type { InputRow } from '../jobs/input-row.ts';

export async function* withScheduleAccount(
  rows: AsyncIterable<InputRow>,
  account: string | undefined,
): AsyncGenerator<InputRow> {
  for await (const row of rows) {
    if (account === undefined || row.readError !== undefined) {
      yield row;
      continue;
    }
    const given = row.raw.account;
    if (given === undefined || given === null || (typeof given === 'string' && given.trim() === '')) {
      yield { ...row, raw: { ...row.raw, account } };
    } else if (typeof given === 'string' && given.trim() === account) {
      yield row;
    } else {
      yield {
        rowNumber: row.rowNumber,
        raw: {},
        readError: {
          field: 'account',
          message: `this schedule runs for account ${account} only; the row names ${JSON.stringify(given)}`,
        },
      };
    }
  }
}
