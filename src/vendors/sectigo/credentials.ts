/**
 * Sectigo credentials on the wire: `loginName` + `loginPassword` in the form body, or (AutoRevokeSSL
 * only) a `saspSessionID` instead. The account's credentials decide which; an endpoint that cannot
 * take a SASP session refuses the account rather than sending a login it does not have.
 *
 * Messages here never contain a credential's value, not even a rejected one.
 */

import { z } from 'zod';
import type { SectigoCredentials } from '../operation.ts';
import { type FieldCheck, requiredField, SECTIGO_LIMITS } from './params.ts';

function checkSecret(field: string, max: number) {
  return (value: unknown): FieldCheck<string> => {
    if (typeof value !== 'string') return { ok: false, message: `${field} must be a string` };
    if (value.length > max) return { ok: false, message: `${field} must be at most ${max} characters` };
    return { ok: true, value };
  };
}

export const loginNameField = requiredField('loginName', checkSecret('loginName', SECTIGO_LIMITS.loginName));
export const loginPasswordField = requiredField(
  'loginPassword',
  checkSecret('loginPassword', SECTIGO_LIMITS.loginPassword),
);
export const saspSessionIdField = requiredField(
  'saspSessionID',
  checkSecret('saspSessionID', SECTIGO_LIMITS.saspSessionID),
);

export const sectigoLoginSchema = z.strictObject({
  loginName: loginNameField,
  loginPassword: loginPasswordField,
});
export const sectigoSaspSchema = z.strictObject({ saspSessionID: saspSessionIdField });

/** For the config layer: either a login or a SASP session, checked against the documented limits. */
export const sectigoCredentialsSchema = z.unknown().transform((value, ctx): SectigoCredentials => {
  const parsed = (isSasp(value) ? sectigoSaspSchema : sectigoLoginSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});

function isSasp(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'saspSessionID' in value;
}

export type CredentialFields = FieldCheck<ReadonlyArray<readonly [string, string]>>;

/**
 * The form fields that authenticate a call, in wire order, or why the account cannot make it.
 * `acceptsSasp` is true only for AutoRevokeSSL.
 */
export function credentialFields(credentials: SectigoCredentials, acceptsSasp: boolean): CredentialFields {
  // Every call asks this of the same few accounts: the check is kept per credentials object, and
  // used again only while the object still holds the values it was made from.
  const key = acceptsSasp ? checkedWithSasp : checkedWithoutSasp;
  const kept = key.get(credentials);
  if (kept !== undefined && sameValues(kept.values, credentials)) return kept.fields;
  const fields = checkCredentialFields(credentials, acceptsSasp);
  key.set(credentials, { values: valuesOf(credentials), fields });
  return fields;
}

interface CheckedCredentials {
  values: readonly unknown[];
  fields: CredentialFields;
}
const checkedWithSasp = new WeakMap<SectigoCredentials, CheckedCredentials>();
const checkedWithoutSasp = new WeakMap<SectigoCredentials, CheckedCredentials>();

const valuesOf = (credentials: SectigoCredentials): unknown[] => {
  const record = credentials as { saspSessionID?: unknown; loginName?: unknown; loginPassword?: unknown };
  return [record.saspSessionID, record.loginName, record.loginPassword, Object.keys(record).length];
};
const sameValues = (values: readonly unknown[], credentials: SectigoCredentials): boolean =>
  valuesOf(credentials).every((value, i) => value === values[i]);

function checkCredentialFields(credentials: SectigoCredentials, acceptsSasp: boolean): CredentialFields {
  if ('saspSessionID' in credentials) {
    if (!acceptsSasp) {
      return { ok: false, message: 'this endpoint takes loginName/loginPassword, not a saspSessionID' };
    }
    const parsed = sectigoSaspSchema.safeParse(credentials);
    if (!parsed.success) return { ok: false, message: messages(parsed.error) };
    return { ok: true, value: [['saspSessionID', parsed.data.saspSessionID]] };
  }
  const parsed = sectigoLoginSchema.safeParse(credentials);
  if (!parsed.success) return { ok: false, message: messages(parsed.error) };
  return {
    ok: true,
    value: [
      ['loginName', parsed.data.loginName],
      ['loginPassword', parsed.data.loginPassword],
    ],
  };
}

/** The values that must never appear in a record: redaction is the last line, not the only one. */
export function secretsOf(credentials: SectigoCredentials): string[] {
  const values = 'saspSessionID' in credentials ? [credentials.saspSessionID] : [credentials.loginPassword];
  return values.filter((value) => typeof value === 'string' && value !== '');
}

function messages(error: z.ZodError): string {
  // Issue messages only: zod's unrecognised-key message names keys, never values.
  return error.issues.map((issue) => issue.message).join('; ');
}
