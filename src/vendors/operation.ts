/**
 * What a vendor operation is, for the layers above `vendors`: its name, its parameter schema,
 * the target that identifies it (for job ids), and how to execute it against an account.
 *
 * Terminology:
 * - operation: one kind of vendor call a job performs (`sectigo.revokeSSL`, `digicert.revokeOrder`).
 * - params: the operation's own inputs, under the vendor's documented names.
 * - target: what the operation acts on (an order number, a serial, a certificate id); with the
 *   account and the operation it makes the job id, so the same revocation is only ever one job.
 * - account: one set of credentials at one vendor, resolved by config (secrets never in job data).
 */

import type { z } from 'zod';
import type { Outcome, VendorName } from './outcome.ts';
import type { Transport } from './transport.ts';

export const OPERATION_NAMES = [
  'sectigo.revokeSSL',
  'sectigo.revokeCertificate',
  'sectigo.revokePAC',
  'sectigo.replaceSMIME',
  'digicert.revokeOrder',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** Sectigo authenticates in the form body: a login, or (AutoRevokeSSL only) a SASP session id. */
export type SectigoCredentials = { loginName: string; loginPassword: string } | { saspSessionID: string };

export interface SectigoAccount {
  vendor: 'sectigo';
  transport: Transport;
  credentials: SectigoCredentials;
  /**
   * Send `test=Y` on every call that accepts it: the vendor validates but does not act. The worker
   * sets it per job from the job's own rehearsal flag (decided at submit), never from its config.
   */
  rehearsal: boolean;
  /** How long the account waits after -42 "call limit reached" (the vendor gives no time). */
  defaultRateLimitWaitMs: number;
}

export interface DigicertAccount {
  vendor: 'digicert';
  transport: Transport;
  apiKey: string;
  /** Ask for `skip_approval` (admin keys only): the revoke is final at once. */
  skipApproval: boolean;
  /** How long to wait after a 429 that carries no Retry-After. */
  defaultRateLimitWaitMs: number;
}

export type VendorAccount = SectigoAccount | DigicertAccount;

export interface ExecuteOptions {
  signal?: AbortSignal;
}

export interface OperationTarget {
  /** Which parameter names the target: `orderNumber`, `certificateID`, `serialNumber`, `order_id`. */
  field: string;
  value: string;
  /**
   * A different effect on the same target is different work (`noCRL`: autoRevokeCertificate with
   * includeInCRL=N only marks the certificate replaced; a later Y revokes it, as a job of its own).
   */
  variant?: string;
}

export interface OperationSpec<P = unknown, A extends VendorAccount = VendorAccount> {
  readonly name: OperationName;
  readonly vendor: VendorName;
  readonly kind: 'revoke' | 'replace';
  /**
   * Whether the vendor can rehearse the call (Sectigo's `test=Y`: validate, do not act). A
   * rehearsal of an operation without one is never sent.
   */
  readonly hasTestMode: boolean;
  /**
   * What a success of this job is, when it is not `revoked` for a revoke (`marked-replaced` for
   * autoRevokeCertificate with includeInCRL=N). @defaultValue revoked / replaced by kind
   */
  successOutcome?(params: P): 'revoked' | 'marked-replaced';
  /** Validates and normalises the operation's parameters; messages name the field. */
  readonly params: z.ZodType<P>;
  targetOf(params: P): OperationTarget;
  execute(account: A, params: P, options?: ExecuteOptions): Promise<Outcome>;
}
