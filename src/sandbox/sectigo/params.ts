/**
 * Reading a Sectigo request's parameters as the vendor's servlet does: query string and form
 * body together, the first value of a repeated name wins, an empty value counts as absent.
 * Names are matched exactly, or case-insensitively on endpoints documented (or guessed) so.
 * Validation failures are thrown as a `SectigoRefusal` and become the documented code.
 */
import { SECTIGO_CODES, type SectigoCode } from './codes.ts';

export class SectigoRefusal extends Error {
  readonly code: SectigoCode;
  readonly argument: string | undefined;
  constructor(code: SectigoCode, argument?: string) {
    super(`Sectigo refusal ${code}${argument ? ` (${argument})` : ''}`);
    this.name = 'SectigoRefusal';
    this.code = code;
    this.argument = argument;
  }
}

export function refuse(code: SectigoCode, argument?: string): never {
  throw new SectigoRefusal(code, argument);
}

export interface SectigoParams {
  /** The value under the canonical (documented) name; undefined when absent or empty. */
  get(name: string): string | undefined;
  /** Names the endpoint does not know, as sent. */
  readonly unrecognised: readonly string[];
}

export function collectParams(
  sources: readonly URLSearchParams[],
  known: readonly string[],
  caseInsensitive: boolean,
): SectigoParams {
  const canonical = new Map(known.map((name) => [caseInsensitive ? name.toLowerCase() : name, name]));
  const values = new Map<string, string>();
  const unrecognised: string[] = [];
  for (const source of sources) {
    for (const [sent, value] of source) {
      const name = canonical.get(caseInsensitive ? sent.toLowerCase() : sent);
      if (name === undefined) {
        if (!unrecognised.includes(sent)) unrecognised.push(sent);
        continue;
      }
      if (!values.has(name)) values.set(name, value);
    }
  }
  return {
    get: (name) => {
      const value = values.get(name);
      return value === undefined || value === '' ? undefined : value;
    },
    unrecognised,
  };
}

export function required(params: SectigoParams, name: string): string {
  return params.get(name) ?? refuse(SECTIGO_CODES.missingArgument, name);
}

/** Fails with -4 naming `name` unless `value` matches. */
export function check(name: string, value: string, valid: RegExp | ((value: string) => boolean)): string {
  const ok = typeof valid === 'function' ? valid(value) : valid.test(value);
  return ok ? value : refuse(SECTIGO_CODES.invalidArgument, name);
}

export function maxLength(name: string, value: string, max: number): string {
  return check(name, value, (v) => v.length <= max);
}

/** A `test` flag: true for Y; `lenient` also takes y/n (AutoRevokeSSL documents "Y (or y)"). */
export function yesNo(params: SectigoParams, name: string, lenient: boolean): boolean {
  const value = params.get(name);
  if (value === undefined) return false;
  const allowed = lenient ? /^[YyNn]$/ : /^[YN]$/;
  return check(name, value, allowed).toUpperCase() === 'Y';
}

export const INTEGER = /^\d{1,19}$/;

/** 0 unspecified, 1 keyCompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation. */
export const CODE_REASON = /^[01345]$/;

export const LOGIN_NAME_MAX = 64;
export const LOGIN_PASSWORD_MAX = 128;
export const REVOCATION_REASON_MAX = 1024;
