/**
 * Job ids: derived from (account, operation, target), so submitting the same revocation twice
 * (the same file again, a retried API call, two rows naming one certificate) is one BullMQ job.
 *
 * Format: `<account>~<operation>~<target field>~<target value>`
 *   e.g. `acme~sectigo.revokeSSL~orderNumber~1234567`, `dc-prod~digicert.revokeOrder~order_id~42`
 *
 * - Never contains `:` (BullMQ joins key parts with it) and is never a plain integer (BullMQ
 *   reserves those for its own ids): it always has `~` and the operation's letters.
 * - The value is canonical, so one target written two ways is one id: digits lose leading zeros
 *   (`0001234` = `1234`); a serial number is upper-case hex without separators or leading zeros
 *   (`00:ab:cd` = `ABCD`: a serial is an integer, so these name the same certificate). The
 *   params keep the spelling the vendor schema chose (Sectigo's keeps leading zeros); only the
 *   id drops them.
 * - The value is percent-encoded outside `[A-Za-z0-9._-]` (so `~` and `:` cannot appear in it).
 * - A target variant (`noCRL`: includeInCRL=N, which only marks the certificate) comes next:
 *   `acme~sectigo.revokeCertificate~serialNumber~AB12~noCRL`.
 * - A rehearsal (`test=Y`, or an account with `rehearsal: true`) gets `~rehearsal` appended: the
 *   vendor acted on nothing, so the real run after it must be a job of its own, not a duplicate.
 * - One certificate targeted by different fields (its order number in one row, its serial in
 *   another) gives different ids: only the vendor knows they are the same.
 */

import { ACCOUNT_NAME_PATTERN } from '../config.ts';
import { RevokerError } from '../errors.ts';
import { OPERATION_NAMES, type OperationName, type OperationTarget } from '../vendors/operation.ts';

export const JOB_ID_SEPARATOR = '~';
const REHEARSAL_SUFFIX = 'rehearsal';

const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIANT_PATTERN = /^[A-Za-z]+$/;

/** The job id of an operation on a target for an account. Throws INPUT_ERR_INVALID on bad parts. */
export function jobIdFor(
  account: string,
  operation: OperationName,
  target: OperationTarget,
  options: { rehearsal?: boolean } = {},
): string {
  if (!ACCOUNT_NAME_PATTERN.test(account)) {
    throw new RevokerError('INPUT_ERR_INVALID', `account: "${account}" cannot be part of a job id`);
  }
  if (!(OPERATION_NAMES as readonly string[]).includes(operation)) {
    throw new RevokerError('INPUT_ERR_INVALID', `operation: unknown operation "${operation}"`);
  }
  if (!FIELD_PATTERN.test(target.field)) {
    throw new RevokerError('INPUT_ERR_INVALID', `target field "${target.field}" cannot be part of a job id`);
  }
  const value = canonicalTargetValue(target.field, target.value);
  if (value === '') throw new RevokerError('INPUT_ERR_INVALID', `${target.field}: the target value is empty`);
  const parts = [account, operation, target.field, encodeValue(value)];
  if (target.variant !== undefined) {
    if (!VARIANT_PATTERN.test(target.variant) || target.variant === REHEARSAL_SUFFIX) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `target variant "${target.variant}" cannot be part of a job id`,
      );
    }
    parts.push(target.variant);
  }
  if (options.rehearsal) parts.push(REHEARSAL_SUFFIX);
  return parts.join(JOB_ID_SEPARATOR);
}

/** The canonical spelling of a target value, as it goes into the job id (before encoding). */
export function canonicalTargetValue(field: string, value: string): string {
  const trimmed = value.trim();
  if (field === 'serialNumber') {
    const hex = trimmed.replace(/[\s:-]/g, '').toUpperCase();
    if (/^[0-9A-F]+$/.test(hex)) return stripLeadingZeros(hex);
    return trimmed;
  }
  if (/^[0-9]+$/.test(trimmed)) return stripLeadingZeros(trimmed);
  return trimmed;
}

export interface JobIdParts {
  account: string;
  operation: OperationName;
  field: string;
  value: string;
  /** A different effect on the target (`noCRL`), when the operation has one. */
  variant?: string;
  rehearsal: boolean;
}

/** Reads a job id made by jobIdFor back into its parts; undefined for any other string. */
export function parseJobId(jobId: string): JobIdParts | undefined {
  const parts = jobId.split(JOB_ID_SEPARATOR);
  const rehearsal = parts.at(-1) === REHEARSAL_SUFFIX && parts.length >= 5;
  const base = rehearsal ? parts.slice(0, -1) : parts;
  const variant = base.length === 5 ? base[4] : undefined;
  if (base.length !== 4 && !(variant !== undefined && VARIANT_PATTERN.test(variant))) return undefined;
  const [account, operation, field, encoded] = base as [string, string, string, string];
  if (!ACCOUNT_NAME_PATTERN.test(account) || !FIELD_PATTERN.test(field)) return undefined;
  if (!(OPERATION_NAMES as readonly string[]).includes(operation)) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  return {
    account,
    operation: operation as OperationName,
    field,
    value,
    ...(variant !== undefined ? { variant } : {}),
    rehearsal,
  };
}

/**
 * The account a job id belongs to: its first field, or undefined for an id revoker did not make.
 * Lenient on the rest of the id: it decides where the item's record lives (keys.ts), and a record
 * must be found for every job an account's queue holds.
 */
export function accountOfJobId(jobId: string): string | undefined {
  const end = jobId.indexOf(JOB_ID_SEPARATOR);
  const account = end > 0 ? jobId.slice(0, end) : '';
  return ACCOUNT_NAME_PATTERN.test(account) ? account : undefined;
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=.)/, '');
}

function encodeValue(value: string): string {
  // encodeURIComponent leaves ~ ! ' ( ) * alone; ~ is our separator, so encode those too.
  return encodeURIComponent(value).replace(
    /[~!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
