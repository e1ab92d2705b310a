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
import type { ReasonSpellingMemo } from './digicert/revocation-reason.ts';
import type { Outcome, VendorName } from './outcome.ts';
import type { Transport } from './transport.ts';

export const OPERATION_NAMES = [
  'sectigo.revokeSSL',
  'sectigo.revokeCertificate',
  'sectigo.revokePAC',
  'sectigo.replaceSMIME',
  'digicert.revokeOrder',
  'digicert.revokeCertificate',
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
  /**
   * Which spelling of `revocation_reason` this account's DigiCert takes, learned by this process
   * (revocation-reason.ts). Without one, snake_case is always sent.
   */
  reasonSpelling?: ReasonSpellingMemo;
}

export type VendorAccount = SectigoAccount | DigicertAccount;

export interface ExecuteOptions {
  signal?: AbortSignal;
  /**
   * Who asked, in a few words (`revoker batch 2026-12-07-acme`): the text sent where the vendor
   * keeps a free comment and the job gave none (DigiCert's `comments`).
   */
  reference?: string;
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
  /**
   * Reads that change nothing at the vendor, for settling an uncertain call before anything is
   * sent again (DigiCert's order info and request list). Without them, an uncertain revoke is
   * sent again and the ambiguity rule reads its "already revoked".
   */
  readonly reads?: TargetReads<P, A>;
  /**
   * The vendor's approval step: a success may be a request that waits for an approver, which
   * the queue approves (autoApprove) or looks at again later.
   */
  readonly approval?: ApprovalSteps<A>;
}

export interface TargetReads<P, A extends VendorAccount> {
  /**
   * The target's state: done with `learned.targetRevoked`, or the error's Outcome. Absent when
   * the vendor offers no such read (one DigiCert certificate): the pending requests decide alone.
   */
  targetStatus?(account: A, params: P, options?: ExecuteOptions): Promise<Outcome>;
  /**
   * One page of the vendor's pending revoke requests: done with `learned.requestId` (the one for
   * this target), or `learned.nextOffset` (read on from there), or neither (none pending).
   */
  pendingRequest(account: A, params: P, offset: number, options?: ExecuteOptions): Promise<Outcome>;
}

export interface ApprovalSteps<A extends VendorAccount> {
  /** Approves a pending request: done with `learned.requestStatus: 'approved'`. */
  approve(account: A, requestId: string, comment: string, options?: ExecuteOptions): Promise<Outcome>;
  /** Reads a request: done with `learned.requestStatus`. */
  read(account: A, requestId: string, options?: ExecuteOptions): Promise<Outcome>;
}
