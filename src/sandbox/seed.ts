/**
 * Seed data: the accounts and orders a sandbox starts with, from a JSON file or from
 * `generateSeed` (seed-generator.ts). The zod schema is the file format's only definition.
 *
 * ```json
 * { "accounts": { "sectigo": [{ "loginName": "a", "loginPassword": "p" }], "digicert": [] },
 *   "orders": [{ "vendor": "sectigo", "account": "a", "orderNumber": "1001", "state": "issued" }],
 *   "compromisedKeys": [] }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { accountsSchema } from './accounts.ts';
import { faultKindSchema } from './faults.ts';
import { ORDER_STATES, SANDBOX_VENDORS } from './order-state.ts';

const digits = (max: number) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .transform(String)
    .pipe(z.string().regex(new RegExp(`^\\d{1,${max}}$`), `must be 1 to ${max} digits`));

/** The being-issued countdown when a seed does not give one. */
export const DEFAULT_ISSUING_CALLS = 2;

export const seedOrderSchema = z.object({
  vendor: z.enum(SANDBOX_VENDORS),
  /** Sectigo login name or DigiCert account name. */
  account: z.string().min(1),
  orderNumber: digits(19),
  certificateID: digits(16).optional(),
  serialNumber: z
    .string()
    .regex(/^[0-9a-fA-F:]{1,64}$/, 'must be hexadecimal')
    .optional(),
  /** Informational (ssl, pac, smime…): every endpoint accepts every order of its vendor. */
  product: z.string().optional(),
  state: z.enum(ORDER_STATES).default('issued'),
  /** being-issued: calls answered "being issued" before the order counts as issued. */
  issuingCalls: z.number().int().min(0).optional(),
  /**
   * Faults the next calls on this order meet, in order (`pass`: that call meets none), e.g.
   * `["pass", "resetAfterEffect"]`: the revoke goes through, the approval after it is reset.
   */
  faults: z.array(z.union([faultKindSchema, z.literal('pass')])).default([]),
  /** Extra latency of every call on this order, in ms. */
  latencyMs: z.number().min(0).default(0),
  /**
   * DigiCert: the certificates on the order (the first is the order's own; duplicates and
   * reissues follow). `PUT /certificate/{id or serial}/revoke` revokes one of them; an order
   * revoke revokes them all. A certificate whose reissue is pending cannot be revoked.
   */
  certificates: z
    .array(
      z.object({
        certificateID: digits(16),
        serialNumber: z.string().regex(/^[0-9a-fA-F:]{1,64}$/, 'must be hexadecimal'),
        state: z.enum(['issued', 'revoked']).default('issued'),
        reissuePending: z.boolean().default(false),
      }),
    )
    .default([]),
});
export type SeedOrder = z.output<typeof seedOrderSchema>;
export type SeedOrderInput = z.input<typeof seedOrderSchema>;

export const sandboxSeedSchema = z.object({
  /** Absent: the default demo accounts (accounts.ts). */
  accounts: accountsSchema.optional(),
  orders: z.array(seedOrderSchema).default([]),
  /** SHA-256 (hex) of SubjectPublicKeyInfo DER of keys AutoReplaceSMIME refuses with -40. */
  compromisedKeys: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/)).default([]),
});
export type SandboxSeed = z.output<typeof sandboxSeedSchema>;
export type SandboxSeedInput = z.input<typeof sandboxSeedSchema>;

/** Validates seed data; the message names the source and the offending field. */
export function parseSeed(value: unknown, source = 'seed'): SandboxSeed {
  const parsed = sandboxSeedSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new Error(`${source}: invalid seed data at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function loadSeedFile(path: string): Promise<SandboxSeed> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parseSeed(json, path);
}
