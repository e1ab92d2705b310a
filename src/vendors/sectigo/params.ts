/**
 * The zod pieces the four Sectigo endpoints build their parameter schemas from. Each piece
 * validates one documented parameter, normalises it to what goes on the wire, and says what is
 * wrong in a message that names the field.
 *
 * Inputs come from two worlds: CSV rows give strings (an empty cell means "not given"), JSON gives
 * numbers and booleans. Every piece takes both and produces one canonical output, and parsing an
 * output again gives the same output: the worker validates job data a second time after it has
 * been through Redis.
 *
 * Decisions the docs leave open:
 * - Integers (orderNumber, certificateID, accountID, …) become digit strings without leading zeros,
 *   so `"00123"`, `"123"` and `123` name the same order (and make the same job id). A JSON number
 *   must be a safe integer: a larger one has already lost digits.
 * - serialNumber: hexadecimal, upper-cased (as `openssl x509 -serial` prints it); colons between
 *   byte pairs (`0a:1b:…`, as `openssl x509 -text` prints it) are accepted and removed; the length
 *   limit counts hex digits after that. Leading zeros are kept: they may be part of how Sectigo
 *   stores the serial.
 * - Y/N flags accept Y/N in any case and JSON booleans, and are sent upper-case (some endpoints are
 *   case sensitive).
 */

import { z } from 'zod';

export const SECTIGO_LIMITS = {
  loginName: 64,
  loginPassword: 128,
  saspSessionID: 16,
  revocationReason: 1024,
  certificateIdDigits: 16,
  replaceOrderNumber: 128,
  revokeSslSerialHexDigits: 34,
  revokeCertificateSerialHexDigits: 50,
  csr: 32767,
  signatureHash: 64,
} as const;

/** A field check: the normalised value, or a message that names the field. */
export type FieldCheck<T> = { ok: true; value: T } | { ok: false; message: string };

const pass = <T>(value: T): FieldCheck<T> => ({ ok: true, value });
const fail = (message: string): FieldCheck<never> => ({ ok: false, message });

/** null, undefined and a blank string (an empty CSV cell) all mean "not given". */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A short, one-line rendering of a rejected value for messages (never used for credentials). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}

/**
 * A required parameter from a check. zod's own "expected string" messages do not name the field,
 * so the check receives the raw value (missing ones too) and words every failure itself.
 */
export function requiredField<T>(field: string, check: (value: unknown) => FieldCheck<T>) {
  return z.unknown().transform((value, ctx): T => {
    const result = isAbsent(value) ? fail(`${field} is required`) : check(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });
}

/** An optional parameter: absent (or blank) gives undefined, anything else must pass the check. */
export function optionalField<T>(check: (value: unknown) => FieldCheck<T>) {
  return z
    .unknown()
    .transform((value, ctx): T | undefined => {
      if (isAbsent(value)) return undefined;
      const result = check(value);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    })
    .optional();
}

// ---- checks ------------------------------------------------------------------------------------

interface DigitOptions {
  /** The most digits the vendor takes, counted after leading zeros are removed. */
  maxDigits?: number;
  /** Whether 0 is a valid value (never for identifiers). */
  allowZero?: boolean;
}

/** A non-negative integer given as a number, a bigint or a string of digits → a digit string. */
export function checkDigits(field: string, options: DigitOptions = {}) {
  return (value: unknown): FieldCheck<string> => {
    const what = options.allowZero ? 'a non-negative integer' : 'a positive integer';
    let digits: string;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) {
        return fail(
          Number.isInteger(value) && value > 0
            ? `${field} is too large for a JSON number: give it as a string of digits`
            : `${field} must be ${what}, got ${describeValue(value)}`,
        );
      }
      digits = String(value);
    } else if (typeof value === 'bigint') {
      if (value < 0n) return fail(`${field} must be ${what}, got ${describeValue(value)}`);
      digits = value.toString();
    } else if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
      digits = value.trim();
    } else {
      return fail(`${field} must be ${what} (a number or a string of digits), got ${describeValue(value)}`);
    }
    digits = digits.replace(/^0+(?=\d)/, '');
    if (digits === '0' && !options.allowZero) return fail(`${field} must be ${what}, got 0`);
    if (options.maxDigits !== undefined && digits.length > options.maxDigits) {
      return fail(`${field} must be at most ${options.maxDigits} digits, got ${digits.length}`);
    }
    return pass(digits);
  };
}

/** A string of at most `max` characters, kept as given (revocation reasons are free text). */
export function checkText(field: string, max: number) {
  return (value: unknown): FieldCheck<string> => {
    if (typeof value !== 'string') return fail(`${field} must be a string, got ${describeValue(value)}`);
    if (value.length > max) return fail(`${field} must be at most ${max} characters, got ${value.length}`);
    return pass(value);
  };
}

const HEX_PLAIN = /^[0-9a-f]+$/i;
const HEX_COLON_PAIRS = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i;

/** A hexadecimal serial number: plain or colon-separated byte pairs → upper-case hex digits. */
export function checkSerialNumber(field: string, maxHexDigits: number) {
  return (value: unknown): FieldCheck<string> => {
    if (typeof value !== 'string') {
      // A JSON number would have been read as decimal and lost the serial's hex meaning.
      return fail(`${field} must be a string of hexadecimal digits, got ${describeValue(value)}`);
    }
    const trimmed = value.trim();
    if (!HEX_PLAIN.test(trimmed) && !HEX_COLON_PAIRS.test(trimmed)) {
      return fail(
        `${field} must be hexadecimal (0-9, A-F), optionally with colons between byte pairs, got ${describeValue(value)}`,
      );
    }
    const hex = trimmed.replaceAll(':', '').toUpperCase();
    if (hex.length > maxHexDigits) {
      return fail(`${field} must be at most ${maxHexDigits} hexadecimal digits, got ${hex.length}`);
    }
    return pass(hex);
  };
}

export type YesNo = 'Y' | 'N';

/** Y or N in any case, or a JSON boolean → `Y` | `N`. */
export function checkYesNo(field: string) {
  return (value: unknown): FieldCheck<YesNo> => {
    if (value === true) return pass('Y');
    if (value === false) return pass('N');
    if (typeof value === 'string') {
      const upper = value.trim().toUpperCase();
      if (upper === 'Y' || upper === 'N') return pass(upper);
    }
    return fail(`${field} must be Y or N (or true/false), got ${describeValue(value)}`);
  };
}

/** One of a fixed set of small integers, given as a number or a digit string. */
export function checkOneOfIntegers<const T extends readonly number[]>(
  field: string,
  allowed: T,
  labels?: Readonly<Record<number, string>>,
) {
  const listed = allowed.map((n) => (labels?.[n] ? `${n} (${labels[n]})` : String(n))).join(', ');
  return (value: unknown): FieldCheck<T[number]> => {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    const n = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    const found = allowed.find((candidate) => candidate === n);
    if (found === undefined) return fail(`${field} must be one of ${listed}; got ${describeValue(value)}`);
    return pass(found);
  };
}

/** One of a fixed set of words, matched without regard to case → the listed spelling. */
export function checkOneOfWords<const T extends readonly string[]>(field: string, allowed: T) {
  return (value: unknown): FieldCheck<T[number]> => {
    const upper = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
    const found = allowed.find((word) => word.toUpperCase() === upper);
    if (found === undefined) {
      return fail(`${field} must be one of ${allowed.join(', ')}; got ${describeValue(value)}`);
    }
    return pass(found);
  };
}

// ---- shared fields -----------------------------------------------------------------------------

export const CODE_REASONS = [0, 1, 3, 4, 5] as const;
export type CodeReason = (typeof CODE_REASONS)[number];
const CODE_REASON_LABELS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
};

/** RFC 5280 reason codes Sectigo takes; 2 (cACompromise) and 6+ are not the subscriber's to give. */
export const checkCodeReason = checkOneOfIntegers('codeReason', CODE_REASONS, CODE_REASON_LABELS);

/** orderNumber as every endpoint but AutoReplaceSMIME types it: a positive integer. */
// The docs bound orderNumber only on AutoReplaceSMIME (128); the same bound everywhere keeps job
// ids and records small (a 100,000-digit value would be a 100 KB job id).
export const orderNumberField = requiredField(
  'orderNumber',
  checkDigits('orderNumber', { maxDigits: SECTIGO_LIMITS.replaceOrderNumber }),
);
export const optionalOrderNumberField = optionalField(
  checkDigits('orderNumber', { maxDigits: SECTIGO_LIMITS.replaceOrderNumber }),
);

export const certificateIdField = optionalField(
  checkDigits('certificateID', { maxDigits: SECTIGO_LIMITS.certificateIdDigits }),
);

export const optionalRevocationReasonField = optionalField(
  checkText('revocationReason', SECTIGO_LIMITS.revocationReason),
);
export const revocationReasonField = requiredField(
  'revocationReason',
  checkText('revocationReason', SECTIGO_LIMITS.revocationReason),
);

export const optionalCodeReasonField = optionalField(checkCodeReason);

/** codeReason where the vendor defaults it to 0: we send it always, so the record shows what was asked. */
export const codeReasonWithDefaultField = optionalField(checkCodeReason).transform(
  (value): CodeReason => value ?? 0,
);

export const testField = optionalField(checkYesNo('test'));

export const accountIdField = optionalField(checkDigits('accountID'));

/** responseFormat restricted to what the endpoint offers, with the default we ask for. */
export function responseFormatField<const T extends readonly number[]>(allowed: T, defaultFormat: T[number]) {
  return optionalField(checkOneOfIntegers('responseFormat', allowed)).transform(
    (value): T[number] => value ?? defaultFormat,
  );
}

/**
 * A strict object of an operation's own parameters: an unknown key (a typo such as `ordernumber`)
 * is reported by name rather than silently dropped, and the message lists what the operation takes.
 */
export function sectigoParamsObject<S extends z.core.$ZodLooseShape>(operation: string, shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => `"${key}"`).join(', ');
        return `unknown parameter ${keys} for ${operation} (it takes ${known})`;
      }
      if (issue.code === 'invalid_type') return `${operation} parameters must be an object`;
      return undefined;
    },
  });
}

/** One line naming every problem, for outcomes and logs (each message already names its field). */
export function describeParamsError(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('; ');
}
