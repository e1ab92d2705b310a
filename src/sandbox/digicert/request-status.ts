/**
 * Fake DigiCert request routes: `GET /services/v2/request/{id}` (the request and its status)
 * and `PUT /services/v2/request/{id}/status` with `{"status":"approved"|"rejected",
 * "processor_comment":"…"}` → 204. Approving revokes the order. Only admin keys may decide
 * (403 access_denied otherwise); a request that is no longer pending cannot be decided again.
 */
import { requesterOf } from '../accounts.ts';
import { DIGICERT_ERRORS, invalidField, invalidRequestStatus, missingField } from './errors.ts';
import { certificateOf } from './request-list.ts';
import { revokeRequestBody } from './revoke-order.ts';
import { type DigicertRoute, isError, jsonObjectBody } from './route.ts';

export const getRequestRoute: DigicertRoute = {
  method: 'GET',
  pattern: /^request\/([^/]+)$/,
  prepare({ ctx, account, id }) {
    const request = /^\d{1,15}$/.test(id) ? ctx.store.getRequest(account.name, Number(id)) : undefined;
    if (!request) return DIGICERT_ERRORS.requestNotFound;
    return {
      // The order's seeded faults and latency apply to calls about its requests too.
      order: ctx.store.find('digicert', request.orderNumber),
      execute() {
        const body: Record<string, unknown> = {
          ...revokeRequestBody(request),
          order: { id: Number(request.orderNumber) },
          ...certificateOf(request, ctx),
        };
        if (request.revocationReason !== undefined) body.revocation_reason = request.revocationReason;
        if (request.processor !== undefined) body.processor = request.processor;
        if (request.processorComment !== undefined) body.processor_comment = request.processorComment;
        if (request.dateProcessed !== undefined) body.date_processed = request.dateProcessed;
        return { kind: 'ok', status: 200, body };
      },
    };
  },
};

export const updateRequestStatusRoute: DigicertRoute = {
  method: 'PUT',
  pattern: /^request\/([^/]+)\/status$/,
  prepare({ ctx, account, id, body }) {
    const fields = jsonObjectBody(body);
    if (isError(fields)) return fields;
    const status = fields.status;
    if (status === undefined) return missingField('status');
    if (status !== 'approved' && status !== 'rejected') return invalidField('status');
    const comment = fields.processor_comment ?? '';
    if (typeof comment !== 'string') return invalidField('processor_comment');
    const request = /^\d{1,15}$/.test(id) ? ctx.store.getRequest(account.name, Number(id)) : undefined;
    if (!request) return DIGICERT_ERRORS.requestNotFound;
    if (!account.admin) return DIGICERT_ERRORS.approvalDenied;
    return {
      order: ctx.store.find('digicert', request.orderNumber),
      execute() {
        if (request.status !== 'pending')
          return { kind: 'error', error: invalidRequestStatus(request.status) };
        ctx.store.decideRequest(request, {
          status,
          processorComment: comment,
          processor: requesterOf(account),
        });
        return { kind: 'ok', status: 204 };
      },
    };
  },
};
