/**
 * One input row (a CSV line, a JSONL object, an API item) checked and turned into a valid item:
 * account, operation, the operation's parameters (normalised by its schema), its target and its
 * job id. Errors name the row and the field as the user wrote them, with a readable reason.
 *
 * A row holds `account`, `operation`, then the operation's parameters under the vendor's own
 * names (`orderNumber`, `serialNumber`, `codeReason`, `order_id`, ...). Rules beyond the schemas:
 * - Empty cells are absent (CSV cannot tell the two apart; a mixed-vendor file leaves the other
 *   vendor's columns empty). Strings are trimmed; JSON `null` is absent.
 * - Columns whose name starts with `#` are notes and are ignored (keep `#commonName` for people).
 * - Any other column the operation does not take is an error: a misspelt optional column
 *   (`codeReasn`) must not silently fall back to the default reason.
 * - A credential column is an error: credentials come from the account's config only.
 * - JSON values other than strings (numbers, booleans) go to the schema as they are: it knows
 *   whether a number fits (a serial number must be text: `1234` in JSON is decimal, not hex).
 * - `digicert.revokeOrder`: the row's `revocationReason` becomes DigiCert's `comments` (the
 *   issue asks for it: one reason column serves a file that mixes vendors), and `orderNumber`
 *   is accepted as `order_id` for the same reason. Giving both spellings is an error.
 */

import { z } from 'zod';
import type { OperationName, OperationSpec, OperationTarget } from '../vendors/operation.ts';
import { OPERATION_NAMES } from '../vendors/operation.ts';
import type { VendorName } from '../vendors/outcome.ts';
import { isCredentialParam } from './job-data.ts';
import { jobIdFor } from './job-id.ts';

/** A row as a reader yields it. */
export interface InputRow {
  /** The line of the file the row starts on (1-based, as an editor shows it); for an API list, its position (1-based). */
  rowNumber: number;
  raw: Record<string, unknown>;
  /** Set when the row could not be read at all (a bad JSON line, a CSV line with the wrong number of fields). */
  readError?: { field: string; message: string };
}

export interface RowError {
  row: number;
  /** The column as the row names it (`account`, `serialNumber`, `revocationReason`), or `json` / `csv` / `params`. */
  field: string;
  message: string;
}

export interface ValidItem {
  account: string;
  operation: OperationName;
  /** Parameters under the vendor's names, normalised by the operation's schema. */
  params: Record<string, unknown>;
  target: OperationTarget;
  jobId: string;
  row: number;
  /** The vendor is only asked to validate (decided here, carried by the job). */
  rehearsal: boolean;
}

export type RowResult = { ok: true; item: ValidItem } | { ok: false; errors: RowError[] };

export interface ValidationContext {
  /** The configured accounts by name (`config.accounts` fits). */
  accounts: Readonly<Record<string, { readonly vendor: VendorName; readonly rehearsal?: boolean }>>;
  /** The operations that can run (`operations` from src/vendors/registry.ts). */
  operations: ReadonlyMap<OperationName, OperationSpec>;
  /** `submit --rehearsal`: every row of the batch is a rehearsal, whatever its account says. */
  rehearsal?: boolean;
}

/** Row columns that are other names of an operation's parameter: column → parameter. */
export const COLUMN_ALIASES: Readonly<Partial<Record<OperationName, Readonly<Record<string, string>>>>> = {
  'digicert.revokeOrder': { revocationReason: 'comments', orderNumber: 'order_id' },
  'digicert.revokeCertificate': { revocationReason: 'comments', certificateID: 'certificate_id' },
};

const NOTE_PREFIX = '#';

/** Validates a row as a reader yields it: a row that could not be read is one error. */
export function validateInputRow(row: InputRow, context: ValidationContext): RowResult {
  if (row.readError !== undefined) {
    return { ok: false, errors: [{ row: row.rowNumber, ...row.readError }] };
  }
  return validateRow(row.raw, row.rowNumber, context);
}

export function validateRow(
  raw: Record<string, unknown>,
  rowNumber: number,
  context: ValidationContext,
): RowResult {
  const errors: RowError[] = [];
  const fail = (field: string, message: string) => {
    if (!errors.some((e) => e.field === field && e.message === message))
      errors.push({ row: rowNumber, field, message });
  };

  const cells = readCells(raw);
  const account = checkAccount(cells.get('account'), context, fail);
  const spec = checkOperation(cells.get('operation'), context, fail);
  cells.delete('account');
  cells.delete('operation');
  if (account !== undefined && spec !== undefined && account.vendor !== spec.vendor) {
    fail(
      'account',
      `"${account.name}" is a ${account.vendor} account; ${spec.name} needs a ${spec.vendor} account`,
    );
  }
  if (spec === undefined) return { ok: false, errors };

  const columnOf = applyAliases(spec.name, cells, fail);
  const accepted = acceptedParamNames(spec.params);
  for (const name of cells.keys()) {
    if (isCredentialParam(name)) {
      fail(name, 'credentials never go in input rows: they come from the account in the config file');
      cells.delete(name);
    } else if (accepted !== undefined && !accepted.has(name)) {
      fail(columnOf(name), unknownColumnMessage(spec.name, accepted));
      cells.delete(name);
    }
  }

  const parsed = spec.params.safeParse(Object.fromEntries(cells));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const { field, message } of describeIssue(issue, cells, spec.name, accepted)) {
        fail(field === 'params' ? field : columnOf(field), withAliasHint(spec.name, field, message, cells));
      }
    }
    return { ok: false, errors };
  }
  if (errors.length > 0 || account === undefined) return { ok: false, errors };

  const params = parsed.data;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    fail('params', `the ${spec.name} schema did not produce an object`);
    return { ok: false, errors };
  }
  try {
    const target = spec.targetOf(params);
    const rehearsal =
      context.rehearsal === true || account.rehearsal || isYes((params as Record<string, unknown>).test);
    const jobId = jobIdFor(account.name, spec.name, target, { rehearsal });
    return {
      ok: true,
      item: {
        account: account.name,
        operation: spec.name,
        params: params as Record<string, unknown>,
        target,
        jobId,
        row: rowNumber,
        rehearsal,
      },
    };
  } catch (error) {
    fail('params', `no target to revoke: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, errors };
  }
}

type Fail = (field: string, message: string) => void;

/** The row's cells that carry a value: strings trimmed, empty ones and notes left out. */
function readCells(raw: Record<string, unknown>): Map<string, unknown> {
  const cells = new Map<string, unknown>();
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith(NOTE_PREFIX) || value === undefined || value === null) continue;
    if (typeof value !== 'string') cells.set(name, value);
    else {
      const trimmed = value.trim();
      if (trimmed !== '') cells.set(name, trimmed);
    }
  }
  return cells;
}

function checkAccount(
  value: unknown,
  context: ValidationContext,
  fail: Fail,
): { name: string; vendor: VendorName; rehearsal: boolean } | undefined {
  if (value === undefined) {
    fail('account', 'required: the name of an account in the config file');
    return undefined;
  }
  if (typeof value !== 'string') {
    fail('account', 'expected an account name');
    return undefined;
  }
  // Own properties only: an account called "constructor" must not find Object.prototype's.
  const account = Object.hasOwn(context.accounts, value) ? context.accounts[value] : undefined;
  if (account === undefined) {
    const names = Object.keys(context.accounts);
    const known =
      names.length === 0
        ? 'no accounts are configured'
        : `configured: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
    fail('account', `unknown account "${value}" (${known})`);
    return undefined;
  }
  return { name: value, vendor: account.vendor, rehearsal: account.rehearsal === true };
}

function checkOperation(value: unknown, context: ValidationContext, fail: Fail): OperationSpec | undefined {
  if (value === undefined) {
    fail('operation', `required: one of ${OPERATION_NAMES.join(', ')}`);
    return undefined;
  }
  if (typeof value !== 'string' || !(OPERATION_NAMES as readonly string[]).includes(value)) {
    fail(
      'operation',
      `unknown operation ${JSON.stringify(value)}: expected one of ${OPERATION_NAMES.join(', ')}`,
    );
    return undefined;
  }
  const spec = context.operations.get(value as OperationName);
  if (spec === undefined) fail('operation', `${value} is not available in this build`);
  return spec;
}

/** Moves aliased columns to their parameter names; returns parameter → the column the row used. */
function applyAliases(
  operation: OperationName,
  cells: Map<string, unknown>,
  fail: Fail,
): (param: string) => string {
  const used = new Map<string, string>();
  for (const [column, param] of Object.entries(COLUMN_ALIASES[operation] ?? {})) {
    if (!cells.has(column)) continue;
    if (cells.has(param)) {
      fail(
        column,
        `give either ${column} or ${param}, not both (for ${operation} they are the same parameter)`,
      );
      cells.delete(column);
      continue;
    }
    cells.set(param, cells.get(column));
    cells.delete(column);
    used.set(param, column);
  }
  return (param) => used.get(param) ?? param;
}

function unknownColumnMessage(operation: OperationName, accepted: ReadonlySet<string>): string {
  const aliases = Object.keys(COLUMN_ALIASES[operation] ?? {});
  const columns = ['account', 'operation', ...accepted, ...aliases.filter((a) => !accepted.has(a))];
  return `not a column of ${operation} (its columns: ${columns.join(', ')}; start a column's name with # to keep notes)`;
}

/** Readable errors for one zod issue, by top-level field (the column). */
function describeIssue(
  issue: z.core.$ZodIssue,
  cells: ReadonlyMap<string, unknown>,
  operation: OperationName,
  accepted: ReadonlySet<string> | undefined,
): { field: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: key,
      message:
        accepted === undefined ? `not a column of ${operation}` : unknownColumnMessage(operation, accepted),
    }));
  }
  const first = issue.path[0];
  if (issue.code === 'invalid_union' && first === undefined && issue.errors.length > 0) {
    return describeUnion(issue.errors, cells);
  }
  const field = first === undefined ? 'params' : String(first);
  const missing = first !== undefined && !cells.has(field);
  return [{ field, message: missing && isDefaultTypeIssue(issue) ? 'required' : issue.message }];
}

/** zod's own wording for a missing field ("Invalid input: expected string, received undefined") says less than "required". */
function isDefaultTypeIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.message.startsWith('Invalid input');
}

/** A missing parameter that a row may also give under another column name says so. */
function withAliasHint(
  operation: OperationName,
  param: string,
  message: string,
  cells: ReadonlyMap<string, unknown>,
): string {
  if (cells.has(param)) return message;
  const aliases = Object.entries(COLUMN_ALIASES[operation] ?? {})
    .filter(([, target]) => target === param)
    .map(([column]) => column);
  return aliases.length === 0 ? message : `${message} (a ${aliases.join(' or ')} column gives it too)`;
}

/**
 * A union of parameter shapes (one of orderNumber | certificateID | serialNumber) failed: report
 * the branch the row meant (the one whose complaints are about columns it has), or, when the row
 * has none of them, which columns would do.
 */
function describeUnion(
  branches: readonly (readonly z.core.$ZodIssue[])[],
  cells: ReadonlyMap<string, unknown>,
): { field: string; message: string }[] {
  const isMissing = (issue: z.core.$ZodIssue) =>
    issue.code === 'invalid_type' && issue.path[0] !== undefined && !cells.has(String(issue.path[0]));
  const meant = branches
    .filter((issues) => !issues.every(isMissing))
    .sort((a, b) => a.filter(isMissing).length - b.filter(isMissing).length || a.length - b.length)[0];
  if (meant !== undefined) {
    return meant.map((issue) => {
      const field = issue.path[0] === undefined ? 'params' : String(issue.path[0]);
      return { field, message: isMissing(issue) && isDefaultTypeIssue(issue) ? 'required' : issue.message };
    });
  }
  const options = branches.map((issues) =>
    issues
      .filter(isMissing)
      .map((i) => String(i.path[0]))
      .join(' + '),
  );
  return [{ field: 'params', message: `needs one of: ${[...new Set(options)].join(', ')}` }];
}

const acceptedCache = new WeakMap<z.ZodType, ReadonlySet<string> | undefined>();

/**
 * The parameter names an operation's schema takes, when the schema says so (an object, or a
 * union / intersection / pipe of objects); undefined for a schema that takes any key.
 */
function acceptedParamNames(schema: z.ZodType): ReadonlySet<string> | undefined {
  if (acceptedCache.has(schema)) return acceptedCache.get(schema);
  const names = collectNames(schema);
  acceptedCache.set(schema, names);
  return names;
}

function collectNames(schema: z.core.$ZodType): Set<string> | undefined {
  if (schema instanceof z.ZodObject) {
    const catchall = schema._zod.def.catchall;
    // A loose object takes any key: leave unknown columns to it.
    if (catchall !== undefined && !(catchall instanceof z.ZodNever)) return undefined;
    return new Set(Object.keys(schema.shape));
  }
  if (schema instanceof z.ZodPipe) return collectNames(schema.in);
  const parts =
    schema instanceof z.ZodUnion
      ? [...schema.options]
      : schema instanceof z.ZodIntersection
        ? [schema._zod.def.left, schema._zod.def.right]
        : undefined;
  if (parts === undefined) return undefined;
  const names = new Set<string>();
  for (const part of parts) {
    const inner = collectNames(part);
    if (inner === undefined) return undefined;
    for (const name of inner) names.add(name);
  }
  return names;
}

/** `test=Y` in any spelling the schemas accept. */
function isYes(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toUpperCase() === 'Y');
}

/** A key-compromise reason in a comment: "key compromise", "key compromised", "compromised key". */
const KEY_COMPROMISE_TEXT = /\bkey[\s_-]?compromis|\bcompromised[\s_-]key\b/i;

/**
 * What a valid row may not mean as written: said before anything is enqueued, never refused.
 * - includeInCRL=N with codeReason 1 (key compromise) only marks the certificate replaced: it
 *   stays valid and off the CRL, which is rarely what a key compromise calls for.
 * - digicert.revokeOrder for a key compromise revokes every certificate on the order, duplicates
 *   and reissues that may carry other, healthy keys: digicert.revokeCertificate revokes one.
 * - A DigiCert serial of decimal digits only could be read by DigiCert as a certificate id (its
 *   one path takes either).
 */
export function rowWarnings(item: ValidItem): RowError[] {
  const params = item.params as Record<string, unknown>;
  const warnings: RowError[] = [];
  if (
    item.operation === 'sectigo.revokeCertificate' &&
    params.includeInCRL === 'N' &&
    Number(params.codeReason) === 1
  ) {
    warnings.push({
      row: item.row,
      field: 'includeInCRL',
      message:
        'N with codeReason 1 (key compromise) only marks the certificate replaced: it is not revoked nor listed on the CRL; use Y (or leave it out) to revoke',
    });
  }
  if (
    item.operation === 'digicert.revokeOrder' &&
    (params.revocation_reason === 'key_compromise' ||
      (typeof params.comments === 'string' && KEY_COMPROMISE_TEXT.test(params.comments)))
  ) {
    warnings.push({
      row: item.row,
      field: 'operation',
      message:
        'digicert.revokeOrder revokes every certificate on the order (duplicates and reissues too, which may carry other, ' +
        'healthy keys): for a key compromise, revoke the affected certificates with digicert.revokeCertificate (certificate_id or serialNumber)',
    });
  }
  if (
    item.operation === 'digicert.revokeCertificate' &&
    typeof params.serialNumber === 'string' &&
    /^[0-9]+$/.test(params.serialNumber)
  ) {
    warnings.push({
      row: item.row,
      field: 'serialNumber',
      message:
        'a serial of decimal digits only may be read by DigiCert as a certificate id (its path takes either): give certificate_id if you have it',
    });
  }
  return warnings;
}
