/**
 * The shape of a fake DigiCert route: validation and lookup first (`prepare`), then the
 * operation (`execute`), so the router can put an order's seeded fault between the two.
 */
import type { DigicertAccount } from '../accounts.ts';
import type { SandboxContext } from '../context.ts';
import type { OrderRecord } from '../order-state.ts';
import { DIGICERT_ERRORS, type DigicertError } from './errors.ts';

export interface DigicertCall {
  ctx: SandboxContext;
  /** The account of the (valid) API key. */
  account: DigicertAccount;
  /** The numeric id in the path. */
  id: string;
  body: string;
  /** The query string (the request list's filters and paging). */
  query: URLSearchParams;
}

export type DigicertResult =
  | { kind: 'error'; error: DigicertError }
  | { kind: 'ok'; status: number; body?: unknown };

export interface PreparedDigicertCall {
  /** The order the call is about, when it is about one (its seeded faults apply). */
  order?: OrderRecord;
  /** The order number to account the call to, when it is about an order but not through `order`. */
  orderNumber?: string;
  execute(): DigicertResult;
}

export interface DigicertRoute {
  readonly method: 'GET' | 'PUT';
  /** PUT routes read a JSON body, and DigiCert wants it declared `Content-Type: application/json`. */
  /** Matches the path after `/services/v2/`; group 1 is the id. */
  readonly pattern: RegExp;
  prepare(call: DigicertCall): DigicertError | PreparedDigicertCall;
}

/** The body as a JSON object; an empty body is `{}`. */
export function jsonObjectBody(body: string): Record<string, unknown> | DigicertError {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  return DIGICERT_ERRORS.invalidJson;
}

export function isError(value: unknown): value is DigicertError {
  return (
    typeof value === 'object' && value !== null && 'status' in value && 'code' in value && 'message' in value
  );
}
