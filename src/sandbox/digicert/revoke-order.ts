/**
 * Fake `PUT /services/v2/order/certificate/{order_id}/revoke`. Without skip_approval it files a
 * revoke request and answers 201 with it, status pending; the order is revoked only when the
 * request is approved. With `skip_approval: true` (admin keys only, else 403) the order is
 * revoked at once: 204, no request, no comment kept.
 *
 * Where the docs are silent the default is one guess and each variant (variants.ts) another:
 * a second call while a request is pending answers that same request (or files a new one, or is
 * refused); a revoked order answers `already_revoked` (or `invalid_order_status|revoked`, or 409);
 * `revocation_reason` is snake_case (or camelCase); a comment is required (or not).
 */
import { type DigicertAccount, requesterOf } from '../accounts.ts';
import type { SandboxContext } from '../context.ts';
import type { OrderRecord } from '../order-state.ts';
import type { RevokeRequestRecord } from '../order-store.ts';
import {
  DIGICERT_ERRORS,
  type DigicertError,
  invalidField,
  invalidOrderStatus,
  missingField,
} from './errors.ts';
import { type DigicertResult, type DigicertRoute, isError, jsonObjectBody } from './route.ts';

/** DigiCert's reason names (RFC 5280's, snake_case) and their camelCase spelling. */
const REVOCATION_REASONS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  key_compromise: 'keyCompromise',
  affiliation_changed: 'affiliationChanged',
  superseded: 'superseded',
  cessation_of_operation: 'cessationOfOperation',
  privilege_withdrawn: 'privilegeWithdrawn',
};

/** The reason names this sandbox takes, as the variant in force spells them. */
function acceptedReasons(ctx: SandboxContext): ReadonlySet<string> {
  return new Set(
    ctx.variants.has('digicert-reason-camel')
      ? Object.values(REVOCATION_REASONS)
      : Object.keys(REVOCATION_REASONS),
  );
}

/** The answer to a revoke of an order that is revoked already, as the variant in force gives it. */
export function alreadyRevoked(ctx: SandboxContext): DigicertError {
  if (ctx.variants.has('digicert-already-revoked-status')) return invalidOrderStatus('revoked');
  if (ctx.variants.has('digicert-already-revoked-conflict')) return DIGICERT_ERRORS.alreadyRevokedConflict;
  return DIGICERT_ERRORS.alreadyRevoked;
}

/** A revoke's body, checked as the variant in force wants it. */
export interface RevokeBody {
  comments: string;
  skipApproval: boolean;
  reason: string | undefined;
}

/** Reads and checks a revoke body (order or certificate): the fields, or the error to answer. */
export function parseRevokeBody(
  ctx: SandboxContext,
  account: DigicertAccount,
  body: string,
): RevokeBody | DigicertError {
  const fields = jsonObjectBody(body);
  if (isError(fields)) return fields;
  // The docs' table says `comment`, their samples send `comments`: either is taken; newer
  // public pages send none (a variant).
  const comments = fields.comments ?? fields.comment ?? '';
  if (typeof comments !== 'string') return invalidField('comments');
  if (comments === '' && !ctx.variants.has('digicert-comments-optional')) return missingField('comments');
  const skipApproval = fields.skip_approval ?? false;
  if (typeof skipApproval !== 'boolean') return invalidField('skip_approval');
  const reason = fields.revocation_reason;
  if (reason !== undefined && (typeof reason !== 'string' || !acceptedReasons(ctx).has(reason))) {
    return invalidField('revocation_reason');
  }
  if (skipApproval && !account.admin) return DIGICERT_ERRORS.skipApprovalDenied;
  return { comments, skipApproval, reason: typeof reason === 'string' ? reason : undefined };
}

/**
 * Files the revoke request (or answers the pending one, or refuses, as the variant in force
 * says) and the 201 it is answered with.
 */
export function fileRevokeRequest(
  ctx: SandboxContext,
  account: DigicertAccount,
  order: OrderRecord,
  body: RevokeBody,
  certificateId?: string,
): DigicertResult {
  const pending = ctx.store.pendingRequestOf(order, certificateId);
  if (pending && ctx.variants.has('digicert-repeat-refused')) {
    return { kind: 'error', error: DIGICERT_ERRORS.duplicateRequest };
  }
  const request =
    (ctx.variants.has('digicert-repeat-new-request') ? undefined : pending) ??
    ctx.store.createRequest(order, {
      requester: requesterOf(account),
      comments: body.comments,
      revocationReason: body.reason,
      ...(certificateId !== undefined ? { certificateId } : {}),
    });
  // Variant: the request is filed, but the answer carries no body to say so.
  if (ctx.variants.has('digicert-201-empty')) return { kind: 'ok', status: 201 };
  return { kind: 'ok', status: 201, body: revokeRequestBody(request) };
}

export const revokeOrderRoute: DigicertRoute = {
  method: 'PUT',
  pattern: /^order\/certificate\/([^/]+)\/revoke$/,
  prepare({ ctx, account, id, body }) {
    const fields = parseRevokeBody(ctx, account, body);
    if (isError(fields)) return fields;
    const order = /^\d{1,19}$/.test(id)
      ? ctx.store.lookup('digicert', account.name, 'orderNumber', id)
      : undefined;
    if (!order) return DIGICERT_ERRORS.orderNotFound;
    return {
      order,
      execute() {
        if (order.state === 'revoked') return { kind: 'error', error: alreadyRevoked(ctx) };
        if (order.state !== 'issued') return { kind: 'error', error: invalidOrderStatus(order.state) };
        if (fields.skipApproval) {
          ctx.store.revoke(order, { test: false, unissued: 'refuse' });
          return { kind: 'ok', status: 204 };
        }
        return fileRevokeRequest(ctx, account, order, fields);
      },
    };
  },
};

/** The request object as the revoke call answers it (the docs' sample shape). */
export function revokeRequestBody(request: RevokeRequestRecord): Record<string, unknown> {
  return {
    id: request.id,
    date: request.date,
    type: 'revoke',
    status: request.status,
    requester: request.requester,
    comments: request.comments,
  };
}

/** DigiCert's order statuses for our order states (the exact strings are a guess: vendor notes). */
const ORDER_STATUS: Readonly<Record<string, string>> = {
  issued: 'issued',
  revoked: 'revoked',
  pending: 'pending',
  'being-issued': 'pending',
  rejected: 'rejected',
  expired: 'expired',
  'not-revocable': 'issued',
  'marked-replaced': 'issued',
};

/** Fake `GET /services/v2/order/certificate/{order_id}`: the order with its status. */
export const getOrderRoute: DigicertRoute = {
  method: 'GET',
  pattern: /^order\/certificate\/([^/]+)$/,
  prepare({ ctx, account, id }) {
    const order = /^\d{1,19}$/.test(id)
      ? ctx.store.lookup('digicert', account.name, 'orderNumber', id)
      : undefined;
    if (!order) return DIGICERT_ERRORS.orderNotFound;
    return {
      orderNumber: order.orderNumber,
      execute: () => ({
        kind: 'ok',
        status: 200,
        body: { id: Number(order.orderNumber), status: ORDER_STATUS[order.state] ?? 'issued' },
      }),
    };
  },
};
