/**
 * Fake `PUT /services/v2/order/certificate/{order_id}/revoke`. Without skip_approval it files a
 * revoke request and answers 201 with it, status pending (a second call while one is pending
 * answers the same request rather than filing another); the order is revoked only when the
 * request is approved. With `skip_approval: true` (admin keys only, else 403) the order is
 * revoked at once: 204, no request, no comment kept.
 */
import { requesterOf } from '../accounts.ts';
import type { RevokeRequestRecord } from '../order-store.ts';
import { DIGICERT_ERRORS, invalidField, invalidOrderStatus, missingField } from './errors.ts';
import { type DigicertRoute, isError, jsonObjectBody } from './route.ts';

const REVOCATION_REASONS: ReadonlySet<string> = new Set([
  'unspecified',
  'key_compromise',
  'affiliation_changed',
  'superseded',
  'cessation_of_operation',
  'privilege_withdrawn',
]);

export const revokeOrderRoute: DigicertRoute = {
  method: 'PUT',
  pattern: /^order\/certificate\/([^/]+)\/revoke$/,
  prepare({ ctx, account, id, body }) {
    const fields = jsonObjectBody(body);
    if (isError(fields)) return fields;
    // The docs' table says `comment`, their samples send `comments`: either is taken.
    const comments = fields.comments ?? fields.comment;
    if (comments === undefined || comments === null || comments === '') return missingField('comments');
    if (typeof comments !== 'string') return invalidField('comments');
    const skipApproval = fields.skip_approval ?? false;
    if (typeof skipApproval !== 'boolean') return invalidField('skip_approval');
    const reason = fields.revocation_reason;
    if (reason !== undefined && (typeof reason !== 'string' || !REVOCATION_REASONS.has(reason))) {
      return invalidField('revocation_reason');
    }
    if (skipApproval && !account.admin) return DIGICERT_ERRORS.skipApprovalDenied;

    const order = /^\d{1,19}$/.test(id)
      ? ctx.store.lookup('digicert', account.name, 'orderNumber', id)
      : undefined;
    if (!order) return DIGICERT_ERRORS.orderNotFound;
    return {
      order,
      execute() {
        if (order.state === 'revoked') return { kind: 'error', error: DIGICERT_ERRORS.alreadyRevoked };
        if (order.state !== 'issued') return { kind: 'error', error: invalidOrderStatus(order.state) };
        if (skipApproval) {
          ctx.store.revoke(order, { test: false, unissued: 'refuse' });
          return { kind: 'ok', status: 204 };
        }
        const request =
          ctx.store.pendingRequestOf(order) ??
          ctx.store.createRequest(order, {
            requester: requesterOf(account),
            comments,
            revocationReason: typeof reason === 'string' ? reason : undefined,
          });
        // Variant: the request is filed, but the answer carries no body to say so.
        if (ctx.variants.has('digicert-201-empty')) return { kind: 'ok', status: 201 };
        return { kind: 'ok', status: 201, body: revokeRequestBody(request) };
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
