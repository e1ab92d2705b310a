/**
 * DigiCert `PUT order/certificate/{order_id}/revoke`: revokes every certificate on an order.
 *
 * Without `skip_approval` DigiCert answers 201 with a revoke request that stays `pending` until an
 * administrator approves it (request.ts can approve it through the API). With `skip_approval`
 * (admin keys only) the revoke is final at once and DigiCert answers 204, or 201 with no body,
 * and stores no comment: our own record is then the only record of the reason.
 */

import { z } from 'zod';
import { ErrorCodes } from '../../errors.ts';
import type { DigicertAccount, ExecuteOptions, OperationSpec, OperationTarget } from '../operation.ts';
import { excerpt, makeOutcome, type Outcome } from '../outcome.ts';
import { isEmptyBody, isOutcome, scrubKey, sendDigicert } from './call.ts';
import { classifyDigicertError, parseDigicertErrors, refusesRevocationReason } from './errors.ts';
import { getOrder } from './order-info.ts';
import { approveRequest, getRequest, parseRequestObject } from './request.ts';
import { findPendingRevokeRequest } from './request-list.ts';
import {
  DIGICERT_REVOCATION_REASONS,
  learnAccepted,
  learnRefusal,
  type ReasonSpelling,
  spellReason,
} from './revocation-reason.ts';

export { DIGICERT_REVOCATION_REASONS } from './revocation-reason.ts';

/**
 * DigiCert publishes no limit. 1024 matches Sectigo's revocationReason, keeps every job record
 * and log line bounded, and stops a CSV column gone wrong (a whole file in one cell) at intake.
 */
export const COMMENTS_MAX_CHARS = 1024;

const orderId = z
  .union([z.number(), z.string()], { error: 'order_id must be a positive integer' })
  .transform((value, ctx) => {
    // CSV gives text: accept digits only (no sign, no decimals, no exponent), then compare as a number.
    const text = typeof value === 'number' ? String(value) : value.trim();
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `order_id must be a positive integer (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }
    return n;
  });

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, y: true, n: false };

const skipApproval = z
  .union([z.boolean(), z.string()], { error: 'skip_approval must be true or false' })
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const parsed = BOOLEAN_TEXT[value.trim().toLowerCase()];
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `skip_approval must be true, false, Y or N (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }
    return parsed;
  });

/** The operation's parameters, under DigiCert's names. Parsing its own output gives the same value. */
export const revokeOrderParams = z.strictObject(
  {
    order_id: orderId,
    // Optional: without one the call says who asked (the batch), since every form of the docs
    // takes a comment and the older ones require it.
    comments: z
      .string({ error: 'comments must be text saying why the order is revoked' })
      .trim()
      .min(1, { error: 'comments must not be empty' })
      .max(COMMENTS_MAX_CHARS, { error: `comments must be at most ${COMMENTS_MAX_CHARS} characters` })
      .optional(),
    revocation_reason: z
      .enum(DIGICERT_REVOCATION_REASONS, {
        error: `revocation_reason must be one of ${DIGICERT_REVOCATION_REASONS.join(', ')}`,
      })
      .optional(),
    skip_approval: skipApproval.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : undefined,
  },
);

export type RevokeOrderParams = z.output<typeof revokeOrderParams>;

export interface RevokeOrderBody {
  comments: string;
  revocation_reason?: string;
  skip_approval?: true;
}

/** The comment sent when the job gives none: who asked, so CertCentral's request says. */
export function defaultComments(reference: string | undefined): string {
  return `revoked by revoker${reference ? ` (${reference})` : ''}`.slice(0, COMMENTS_MAX_CHARS);
}

/**
 * The JSON body. `comments` is always sent (the form every version of the docs takes), the job's
 * or a default naming who asked. `skip_approval` comes from the job when it says, else from the
 * account, and is sent only when true (DigiCert's default is false, and the samples leave it out).
 */
export function buildRevokeOrderBody(
  params: RevokeOrderParams,
  account: Pick<DigicertAccount, 'skipApproval'>,
  options: { reference?: string; reasonSpelling?: ReasonSpelling } = {},
): RevokeOrderBody {
  const body: RevokeOrderBody = { comments: params.comments ?? defaultComments(options.reference) };
  if (params.revocation_reason !== undefined) {
    body.revocation_reason = spellReason(params.revocation_reason, options.reasonSpelling ?? 'snake');
  }
  if (params.skip_approval ?? account.skipApproval) body.skip_approval = true;
  return body;
}

export function revokeOrderPath(params: Pick<RevokeOrderParams, 'order_id'>): string {
  return `order/certificate/${params.order_id}/revoke`;
}

export async function revokeOrder(
  account: DigicertAccount,
  params: RevokeOrderParams,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  // Checked again here: job data comes back through Redis, and a bad order id must not reach a URL.
  const checked = revokeOrderParams.safeParse(params);
  if (!checked.success) {
    return makeOutcome({
      class: 'permanent',
      vendor: 'digicert',
      code: ErrorCodes.CA_ERR_PARAMS,
      message: `invalid parameters: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      latencyMs: 0,
    });
  }
  params = checked.data;
  const spelling = account.reasonSpelling?.spelling ?? 'snake';
  const body = buildRevokeOrderBody(params, account, {
    ...(options.reference !== undefined ? { reference: options.reference } : {}),
    reasonSpelling: spelling,
  });
  const result = await sendDigicert(
    account,
    { method: 'PUT', path: revokeOrderPath(params), body: { ...body } },
    options,
  );
  if (isOutcome(result)) return result;

  const { status, latencyMs } = result;
  const success = status >= 200 && status < 300;
  if (!success) {
    const outcome = classifyDigicertError(result, account);
    return body.revocation_reason === undefined ? outcome : respell(account, spelling, result.body, outcome);
  }
  if (account.reasonSpelling && body.revocation_reason !== undefined)
    learnAccepted(account.reasonSpelling, spelling);

  // skip_approval revokes at once; DigiCert documents 204 (or 201) with no body for it.
  if (isEmptyBody(result.body) && (status === 204 || status === 201) && body.skip_approval === true) {
    return makeOutcome({
      class: 'done',
      vendor: 'digicert',
      code: String(status),
      message: `order ${params.order_id} revoked (no approval request)`,
      httpStatus: status,
      latencyMs,
    });
  }
  const request = status === 201 ? parseRequestObject(result.body) : undefined;
  if (request === undefined) {
    // A yes we cannot read (an empty or odd 201, another 2xx): neither proof of a revoke nor a
    // reason to ask a second time. The queue reads the order before it records anything.
    return makeOutcome({
      class: 'done',
      vendor: 'digicert',
      code: String(status),
      message: `order ${params.order_id}: DigiCert answered HTTP ${status} without a revoke request we can read`,
      httpStatus: status,
      learned: { unconfirmed: true },
      ...(isEmptyBody(result.body) ? {} : { rawExcerpt: excerpt(scrubKey(account, result.body)) }),
      latencyMs,
    });
  }
  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: String(status),
    message: `order ${params.order_id}: revoke request ${request.id} is ${request.status}`,
    httpStatus: status,
    learned: { requestId: request.id, requestStatus: request.status },
    latencyMs,
  });
}

/**
 * A refusal naming `revocation_reason` while the other spelling is untried: the call did
 * nothing, so it is sent again (a retry, its own rate-limit slot) with the other spelling.
 */
function respell(
  account: DigicertAccount,
  spelling: ReasonSpelling,
  body: string,
  outcome: Outcome,
): Outcome {
  const memo = account.reasonSpelling;
  const errors = parseDigicertErrors(body) ?? [];
  if (!memo || outcome.class !== 'permanent' || !errors.some(refusesRevocationReason)) return outcome;
  if (!learnRefusal(memo, spelling)) return outcome;
  return makeOutcome({
    ...outcome,
    class: 'transient',
    message: `${outcome.message}: sending revocation_reason in ${memo.spelling === 'camel' ? 'camelCase' : 'snake_case'} next`,
    mayHaveTakenEffect: false,
  });
}

export const revokeOrderOperation: OperationSpec<RevokeOrderParams, DigicertAccount> = {
  name: 'digicert.revokeOrder',
  vendor: 'digicert',
  kind: 'revoke',
  hasTestMode: false,
  params: revokeOrderParams,
  targetOf(params: RevokeOrderParams): OperationTarget {
    return { field: 'order_id', value: String(params.order_id) };
  },
  execute: revokeOrder,
  reads: {
    targetStatus: (account, params, options) => getOrder(account, String(params.order_id), options),
    pendingRequest: (account, params, offset, options) =>
      findPendingRevokeRequest(account, { orderId: String(params.order_id) }, offset, options),
  },
  approval: { approve: approveRequest, read: getRequest },
};
