/**
 * The shape every fake Sectigo endpoint has: its documented name and parameters, how names are
 * matched, which response formats it offers, and `prepare` (validate, find the order) that
 * hands back the operation to execute. The router (router.ts) does everything they share.
 */
import type { SectigoAccount } from '../accounts.ts';
import type { SandboxContext } from '../context.ts';
import type { OrderRecord, RevokeVerdict } from '../order-state.ts';
import type { TargetField } from '../order-store.ts';
import { SECTIGO_CODES, type SectigoCode } from './codes.ts';
import { refuse, type SectigoParams } from './params.ts';
import type { SectigoAnswer, SectigoFormat } from './response.ts';

export interface SectigoCall {
  params: SectigoParams;
  /** The authenticated account. */
  account: SectigoAccount;
  ctx: SandboxContext;
}

export interface PreparedCall {
  order: OrderRecord;
  /** Carries the operation out (or rehearses it) and says how it went. */
  execute(): SectigoAnswer;
}

export interface SectigoEndpoint {
  /** As documented: `AutoRevokeSSL`, `autoRevokeCertificate`… */
  readonly name: string;
  /** Every parameter the endpoint knows, in its documented spelling (credentials included). */
  readonly params: readonly string[];
  readonly caseInsensitiveNames: boolean;
  /** The formats `responseFormat` may ask for; [0] when the endpoint has no such parameter. */
  readonly formats: readonly SectigoFormat[];
  /** AutoRevokeSSL only: `saspSessionID` instead of login name and password. */
  readonly acceptsSaspSession: boolean;
  /** Validates the endpoint's own parameters and finds the order; throws a SectigoRefusal. */
  prepare(call: SectigoCall): Promise<PreparedCall>;
}

export const CREDENTIAL_PARAMS = ['loginName', 'loginPassword'] as const;

/**
 * The account's order named by `field`, or -4 naming that field. Under the variant
 * `sectigo-permission-per-order`, another account's (or context's) order answers -16 instead:
 * the vendor may refuse the order's context with the same code as bad credentials.
 */
export function findOrder(call: SectigoCall, field: TargetField, value: string): OrderRecord {
  const own = call.ctx.store.lookup('sectigo', call.account.loginName, field, value);
  if (own) return own;
  if (
    call.ctx.variants.has('sectigo-permission-per-order') &&
    call.ctx.store.lookupAny('sectigo', field, value)
  ) {
    refuse(SECTIGO_CODES.permissionDenied);
  }
  return refuse(SECTIGO_CODES.invalidArgument, field);
}

/** Maps what a revoke did to the endpoint's code. */
export function revokeAnswer(
  verdict: RevokeVerdict,
  rules: { beingIssued: SectigoCode; expired: SectigoCode },
): SectigoAnswer {
  switch (verdict) {
    case 'revoked':
    case 'rejected':
    case 'marked-replaced':
      return { code: SECTIGO_CODES.success };
    case 'already-revoked':
      return { code: SECTIGO_CODES.alreadyRevoked };
    case 'already-rejected':
      return { code: SECTIGO_CODES.alreadyRejected };
    case 'being-issued':
      return { code: rules.beingIssued };
    case 'expired':
      return { code: rules.expired };
    case 'not-issued':
    case 'not-revocable':
      return { code: SECTIGO_CODES.notRevocable };
  }
}
