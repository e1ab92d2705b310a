/**
 * The first pass over an input: every row validated before anything is enqueued, in one stream,
 * holding counts, the first errors and one entry per distinct job id (for duplicates), never the
 * rows. The producer then reads the input again to enqueue it in chunks.
 *
 * Duplicates: two rows with the same job id (same account, operation and target, however it was
 * spelt) are one job. The first row is kept; the others are reported as duplicates of it, which
 * is not an error (re-running a file after fixing it is normal).
 */

import type { InputRow, RowError, ValidationContext, ValidItem } from './input-row.ts';
import { validateInputRow } from './input-row.ts';

export interface ValidateInputOptions {
  /**
   * Invalid rows do not block the input: `ok` stays true and only the valid rows go ahead.
   * @defaultValue false
   */
  skipInvalid?: boolean;
  /**
   * How many row errors (and, separately, duplicates) are kept for the report; the totals count all.
   * @defaultValue 1000
   */
  maxErrors?: number;
  /** Called for each valid row that is not a duplicate, in input order (a single-pass caller stages it). */
  onItem?: (item: ValidItem) => void | Promise<void>;
}

export interface DuplicateRow {
  row: number;
  /** The row that holds the same job first. */
  duplicateOf: number;
  jobId: string;
}

export interface InputValidationSummary {
  /** Nothing blocks enqueueing: no invalid row, or skipInvalid. */
  ok: boolean;
  rows: number;
  /** Valid rows that make a job (first rows of their job id). */
  valid: number;
  /** Rows with at least one error. */
  invalid: number;
  /** Errors over all rows (a row may have several). */
  errorCount: number;
  /** The first `maxErrors` errors, in input order. */
  errors: RowError[];
  duplicateCount: number;
  /** The first `maxErrors` duplicates, in input order. */
  duplicates: DuplicateRow[];
  /** Valid rows per account. */
  perAccount: Record<string, number>;
}

export const DEFAULT_MAX_ERRORS = 1000;

export async function validateInput(
  rows: AsyncIterable<InputRow> | Iterable<InputRow>,
  context: ValidationContext,
  options: ValidateInputOptions = {},
): Promise<InputValidationSummary> {
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  if (!Number.isInteger(maxErrors) || maxErrors < 0) {
    throw new RangeError(`maxErrors must be a non-negative integer, got ${maxErrors}`);
  }
  // One entry per distinct job: the memory this pass needs grows with distinct items, not rows' size.
  const firstRowOf = new Map<string, number>();
  const perAccount = new Map<string, number>();
  const summary: InputValidationSummary = {
    ok: true,
    rows: 0,
    valid: 0,
    invalid: 0,
    errorCount: 0,
    errors: [],
    duplicateCount: 0,
    duplicates: [],
    perAccount: {},
  };

  for await (const row of rows) {
    summary.rows++;
    const result = validateInputRow(row, context);
    if (!result.ok) {
      summary.invalid++;
      summary.errorCount += result.errors.length;
      for (const error of result.errors) {
        if (summary.errors.length < maxErrors) summary.errors.push(error);
      }
      continue;
    }
    const { item } = result;
    const first = firstRowOf.get(item.jobId);
    if (first !== undefined) {
      summary.duplicateCount++;
      if (summary.duplicates.length < maxErrors) {
        summary.duplicates.push({ row: item.row, duplicateOf: first, jobId: item.jobId });
      }
      continue;
    }
    firstRowOf.set(item.jobId, item.row);
    summary.valid++;
    perAccount.set(item.account, (perAccount.get(item.account) ?? 0) + 1);
    await options.onItem?.(item);
  }

  summary.ok = summary.invalid === 0 || options.skipInvalid === true;
  summary.perAccount = Object.fromEntries(perAccount);
  return summary;
}

/** The summary's errors as lines for a person: `row 7, serialNumber: expected hex digits`. */
export function formatRowErrors(errors: readonly RowError[]): string[] {
  return errors.map((e) => `row ${e.row}, ${e.field}: ${e.message}`);
}
