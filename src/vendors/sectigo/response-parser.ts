/**
 * Reads a Sectigo Partner API answer in any of its three formats into a status code and what
 * comes with it:
 *
 * - 0, lines (`text/plain`): line 1 the code; line 2 the message when the code is < 0, or on
 *   AutoReplaceSMIME the new order number when it is 0.
 * - 1, url-encoded: `errorCode=…&errorMessage=…`, sometimes `errorDetail`, and `orderNumber` on
 *   AutoReplaceSMIME.
 * - 2, JSON: `{"errorCode":…, "errorMessage":…, "orderNumber":…}` (AutoReplaceSMIME).
 *
 * The format we asked for is tried first, then the others: the three shapes cannot be mistaken for
 * one another, and the vendor (or a proxy) does not always answer in the format requested or label
 * it truthfully. A body with no integer code is a parse failure with a reason, never a success:
 * the caller turns it into a transient outcome.
 */

export const SECTIGO_RESPONSE_FORMATS = [0, 1, 2] as const;
export type SectigoResponseFormat = (typeof SECTIGO_RESPONSE_FORMATS)[number];

export interface SectigoAnswer {
  readonly ok: true;
  /** The format the body turned out to be in (not necessarily the one requested). */
  readonly format: SectigoResponseFormat;
  readonly code: number;
  readonly message?: string;
  /** url-encoded answers only, when the vendor adds it. */
  readonly detail?: string;
  /** AutoReplaceSMIME success: the replacement's order number. */
  readonly orderNumber?: string;
}

export interface SectigoParseFailure {
  readonly ok: false;
  /** Why the body is unreadable, for the record (never the body itself). */
  readonly reason: string;
}

export type SectigoParseResult = SectigoAnswer | SectigoParseFailure;

/** A parser either reads the body, recognises its shape but finds it broken, or does not recognise it. */
type Attempt = SectigoParseResult | 'not-this-shape';

// Ten digits covers every documented code with room to spare and keeps far from unsafe integers.
const INTEGER = /^[+-]?\d{1,10}$/;
// An order number is an integer in practice; the docs type it as a string of up to 128 characters.
const ORDER_NUMBER = /^[^\s]{1,128}$/;

const PARSERS: Record<SectigoResponseFormat, (text: string) => Attempt> = {
  0: parseLines,
  1: parseUrlEncoded,
  2: parseJson,
};

export function parseSectigoResponse(body: string, requested: SectigoResponseFormat): SectigoParseResult {
  // A byte-order mark and surrounding whitespace (trailing CRLF) carry no meaning in any format.
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') return { ok: false, reason: 'empty body' };

  const order = [requested, ...SECTIGO_RESPONSE_FORMATS.filter((format) => format !== requested)];
  for (const format of order) {
    const attempt = PARSERS[format](text);
    if (attempt !== 'not-this-shape') return attempt;
  }
  if (text.startsWith('<')) return { ok: false, reason: 'an HTML or XML page, not a Sectigo answer' };
  return { ok: false, reason: 'no status code: neither lines, url-encoded nor JSON' };
}

function parseLines(text: string): Attempt {
  const lines = text.split(/\r?\n/);
  const first = (lines[0] ?? '').trim();
  if (!INTEGER.test(first)) return 'not-this-shape';
  const code = toCode(first);
  const rest = lines
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (code < 0) {
    const message = rest.join(' ');
    return { ok: true, format: 0, code, ...(message === '' ? {} : { message }) };
  }
  // On success only AutoReplaceSMIME documents a second line (the new order number).
  const second = rest[0];
  const orderNumber = second !== undefined && ORDER_NUMBER.test(second) ? second : undefined;
  return { ok: true, format: 0, code, ...(orderNumber === undefined ? {} : { orderNumber }) };
}

function parseUrlEncoded(text: string): Attempt {
  // Parameter names are matched without regard to case, as AutoRevokeSSL treats its own.
  if (!/(^|&)errorcode=/i.test(text)) return 'not-this-shape';
  const fields = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(text)) {
    const name = key.toLowerCase();
    if (!fields.has(name)) fields.set(name, value);
  }
  const rawCode = (fields.get('errorcode') ?? '').trim();
  if (!INTEGER.test(rawCode)) return { ok: false, reason: 'errorCode is not an integer' };
  const message = nonEmpty(fields.get('errormessage'));
  const detail = nonEmpty(fields.get('errordetail'));
  const orderNumber = orderNumberFrom(fields.get('ordernumber'));
  return {
    ok: true,
    format: 1,
    code: toCode(rawCode),
    ...(message === undefined ? {} : { message }),
    ...(detail === undefined ? {} : { detail }),
    ...(orderNumber === undefined ? {} : { orderNumber }),
  };
}

function parseJson(text: string): Attempt {
  if (!text.startsWith('{')) return 'not-this-shape';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'JSON body is cut off or malformed' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'JSON body is not an object' };
  }
  const fields = new Map<string, unknown>();
  for (const [key, field] of Object.entries(value)) {
    const name = key.toLowerCase();
    if (!fields.has(name)) fields.set(name, field);
  }
  const rawCode = fields.get('errorcode');
  const code = codeFromJson(rawCode);
  if (code === undefined) {
    return {
      ok: false,
      reason: rawCode === undefined ? 'JSON body has no errorCode' : 'errorCode is not an integer',
    };
  }
  const rawMessage = fields.get('errormessage');
  const message = typeof rawMessage === 'string' ? nonEmpty(rawMessage) : undefined;
  const rawOrder = fields.get('ordernumber');
  const orderNumber =
    typeof rawOrder === 'number' && Number.isSafeInteger(rawOrder)
      ? String(rawOrder)
      : typeof rawOrder === 'string'
        ? orderNumberFrom(rawOrder)
        : undefined;
  return {
    ok: true,
    format: 2,
    code,
    ...(message === undefined ? {} : { message }),
    ...(orderNumber === undefined ? {} : { orderNumber }),
  };
}

function codeFromJson(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && INTEGER.test(value.trim())) return toCode(value.trim());
  return undefined;
}

function toCode(digits: string): number {
  // `-0` would otherwise survive as a distinct value in logs.
  return Number(digits) + 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function orderNumberFrom(value: string | undefined): string | undefined {
  const trimmed = nonEmpty(value);
  return trimmed !== undefined && ORDER_NUMBER.test(trimmed) ? trimmed : undefined;
}
