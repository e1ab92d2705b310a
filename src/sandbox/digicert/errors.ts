/**
 * DigiCert CertCentral error answers: `{"errors":[{"code":"…","message":"…"}]}` with the HTTP
 * status, codes carrying a `|detail` suffix where DigiCert's do (`not_found|order`). The codes
 * the docs do not name (already revoked, wrong order status, bad body) are ours: see the table.
 */
import { type Action, jsonReply } from '../http-reply.ts';

export interface DigicertError {
  status: number;
  code: string;
  message: string;
}

export const DIGICERT_ERRORS = {
  missingApiKey: {
    status: 401,
    code: 'missing_api_key',
    message: 'An API key is required in the X-DC-DEVKEY header.',
  },
  invalidApiKey: { status: 401, code: 'invalid_api_key', message: 'The API key provided is invalid.' },
  skipApprovalDenied: {
    status: 403,
    code: 'access_denied',
    message: 'You do not have permission to skip the approval step.',
  },
  approvalDenied: {
    status: 403,
    code: 'access_denied',
    message: 'You do not have permission to update the status of this request.',
  },
  orderNotFound: { status: 404, code: 'not_found|order', message: 'Order not found.' },
  requestNotFound: { status: 404, code: 'not_found|request', message: 'Request not found.' },
  certificateNotFound: { status: 404, code: 'not_found|certificate', message: 'Certificate not found.' },
  routeNotFound: { status: 404, code: 'not_found', message: 'The requested resource was not found.' },
  methodNotAllowed: {
    status: 405,
    code: 'method_not_allowed',
    message: 'The HTTP method is not allowed here.',
  },
  invalidJson: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  alreadyRevoked: {
    status: 400,
    code: 'already_revoked',
    message: 'The certificates on this order have already been revoked.',
  },
  /** Variant digicert-already-revoked-conflict. */
  alreadyRevokedConflict: { status: 409, code: 'conflict', message: 'This order has already been revoked.' },
  /** Variant digicert-repeat-refused. */
  duplicateRequest: {
    status: 400,
    code: 'duplicate_request',
    message: 'A revoke request is already pending for this order.',
  },
  unsupportedMediaType: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'The request body must be sent as Content-Type: application/json.',
  },
  rateLimited: {
    status: 429,
    code: 'request_limit_exceeded',
    message: 'Request limit exceeded. Please wait before making more requests.',
  },
  internal: { status: 500, code: 'internal_error', message: 'An unexpected error occurred.' },
} as const satisfies Record<string, DigicertError>;

export function missingField(field: string): DigicertError {
  return { status: 400, code: `missing_field|${field}`, message: `The field ${field} is required.` };
}

export function invalidField(field: string): DigicertError {
  return { status: 400, code: `invalid_field|${field}`, message: `The value of ${field} is invalid.` };
}

/** An order whose state allows no revoke (detail: the state, e.g. `invalid_order_status|expired`). */
export function invalidOrderStatus(state: string): DigicertError {
  return {
    status: 400,
    code: `invalid_order_status|${state.replace(/-/g, '_')}`,
    message: `The order status (${state}) does not allow this action.`,
  };
}

export function invalidRequestStatus(status: string): DigicertError {
  return {
    status: 400,
    code: `invalid_request_status|${status}`,
    message: `The request has already been ${status}.`,
  };
}

export function errorAction(error: DigicertError, headers: Record<string, string> = {}): Action {
  return jsonReply(error.status, { errors: [{ code: error.code, message: error.message }] }, headers);
}
