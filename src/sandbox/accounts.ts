/**
 * The sandbox's vendor accounts: Sectigo logins (and SASP session ids) and DigiCert API keys,
 * each with its own rate limit. The defaults are the demo credentials the CLI prints, plus the
 * placeholder logins of the vendor-docs samples, so those samples can be replayed verbatim.
 */
import { z } from 'zod';
import { rateLimitSchema } from './rate-limiter.ts';

export const sectigoAccountSchema = z.object({
  loginName: z.string().min(1).max(64),
  loginPassword: z.string().min(1).max(128),
  /** Session ids accepted by AutoRevokeSSL instead of login name and password. */
  saspSessionIDs: z.array(z.string().min(1).max(16)).default([]),
  rateLimits: z.array(rateLimitSchema).default([{ max: 5, durationMs: 1000 }]),
  /** False: AutoReplaceSMIME answers -15 "Not enough credit!". */
  credit: z.boolean().default(true),
});
export type SectigoAccount = z.infer<typeof sectigoAccountSchema>;

export const digicertRequesterSchema = z.object({
  id: z.number().int(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
});
export type DigicertRequester = z.infer<typeof digicertRequesterSchema>;

export const digicertAccountSchema = z.object({
  /** Names the account that owns orders; one API key per account in the sandbox. */
  name: z.string().min(1),
  apiKey: z.string().min(1),
  /** Admin keys may send `skip_approval` and approve or reject requests. */
  admin: z.boolean().default(false),
  // DigiCert documents both windows per API key.
  rateLimits: z.array(rateLimitSchema).default([
    { max: 100, durationMs: 5_000 },
    { max: 1000, durationMs: 180_000 },
  ]),
  /**
   * Retry-After on 429 (DigiCert documents none): a number of seconds, `window` for the
   * seconds until the window has room, or absent for no header.
   */
  retryAfter: z.union([z.number().int().min(0), z.literal('window')]).optional(),
  requester: digicertRequesterSchema.optional(),
});
export type DigicertAccount = z.infer<typeof digicertAccountSchema>;

export const accountsSchema = z.object({
  sectigo: z.array(sectigoAccountSchema).default([]),
  digicert: z.array(digicertAccountSchema).default([]),
});
export type SandboxAccounts = z.infer<typeof accountsSchema>;
export type SandboxAccountsInput = z.input<typeof accountsSchema>;

/** The demo login the CLI prints; generated Sectigo orders belong to it. */
export const DEMO_SECTIGO_ACCOUNT: SectigoAccount = {
  loginName: 'revoker-demo',
  loginPassword: 'sandbox-sectigo-password',
  saspSessionIDs: ['SASP0000DEMO0001'],
  rateLimits: [{ max: 5, durationMs: 1000 }],
  credit: true,
};

/** The demo admin key; generated DigiCert orders belong to its account. */
export const DEMO_DIGICERT_ACCOUNT: DigicertAccount = {
  name: 'revoker-demo',
  apiKey: 'sandbox-digicert-admin-key',
  admin: true,
  rateLimits: [
    { max: 100, durationMs: 5_000 },
    { max: 1000, durationMs: 180_000 },
  ],
  requester: { id: 242140, first_name: 'Sandbox', last_name: 'Admin', email: 'admin@sandbox.invalid' },
};

/** A non-admin key of a second account: `skip_approval` and approvals answer 403. */
export const DEMO_DIGICERT_USER_ACCOUNT: DigicertAccount = {
  name: 'revoker-demo-user',
  apiKey: 'sandbox-digicert-user-key',
  admin: false,
  rateLimits: DEMO_DIGICERT_ACCOUNT.rateLimits,
  requester: { id: 242141, first_name: 'Sandbox', last_name: 'User', email: 'user@sandbox.invalid' },
};

/** The placeholder logins in the vendor-docs curl samples. */
export const DOC_SAMPLE_SECTIGO_ACCOUNTS: readonly SectigoAccount[] = [
  { ...DEMO_SECTIGO_ACCOUNT, loginName: 'login_name', loginPassword: 'login_password', saspSessionIDs: [] },
  { ...DEMO_SECTIGO_ACCOUNT, loginName: 'yourLoginName', loginPassword: 'yourPassword', saspSessionIDs: [] },
];

export function defaultAccounts(): SandboxAccounts {
  return {
    sectigo: [DEMO_SECTIGO_ACCOUNT, ...DOC_SAMPLE_SECTIGO_ACCOUNTS].map((a) => structuredClone(a)),
    digicert: [DEMO_DIGICERT_ACCOUNT, DEMO_DIGICERT_USER_ACCOUNT].map((a) => structuredClone(a)),
  };
}

/** The requester DigiCert reports on a revoke request made with this account's key. */
export function requesterOf(account: DigicertAccount): DigicertRequester {
  return (
    account.requester ?? {
      id: 100_000,
      first_name: 'Sandbox',
      last_name: account.name,
      email: `${account.name}@sandbox.invalid`,
    }
  );
}
