/**
 * Fake `PUT /services/v2/certificate/{certificate_id or serial}/revoke`: revokes one
 * certificate of an order (the order's own, a duplicate, a reissue), leaving the others and the
 * order as they are. Approval, skip_approval, a second revoke and the answers the docs leave open
 * behave as for the order revoke (revoke-order.ts). DigiCert's documents: "Certificates with a
 * pending reissue order cannot be revoked" — the refusal's code is ours
 * (`invalid_certificate_status|reissue_pending`).
 */
import { DIGICERT_ERRORS, type DigicertError } from './errors.ts';
import { alreadyRevoked, fileRevokeRequest, parseRevokeBody } from './revoke-order.ts';
import { type DigicertRoute, isError } from './route.ts';

export const REISSUE_PENDING: DigicertError = {
  status: 400,
  code: 'invalid_certificate_status|reissue_pending',
  message:
    'Certificates with a pending reissue order cannot be revoked. Cancel the reissue request, or revoke the certificate after the reissue is complete.',
};

export const revokeCertificateRoute: DigicertRoute = {
  method: 'PUT',
  pattern: /^certificate\/([^/]+)\/revoke$/,
  prepare({ ctx, account, id, body }) {
    const fields = parseRevokeBody(ctx, account, body);
    if (isError(fields)) return fields;
    const found = /^[0-9a-fA-F]{1,64}$/.test(id) ? ctx.store.certificate(account.name, id) : undefined;
    if (!found) return DIGICERT_ERRORS.certificateNotFound;
    const { order, certificate } = found;
    return {
      order,
      execute() {
        if (certificate.state === 'revoked') return { kind: 'error', error: alreadyRevoked(ctx) };
        if (certificate.reissuePending) return { kind: 'error', error: REISSUE_PENDING };
        if (fields.skipApproval) {
          certificate.state = 'revoked';
          certificate.successfulRevokes++;
          return { kind: 'ok', status: 204 };
        }
        return fileRevokeRequest(ctx, account, order, fields, certificate.id);
      },
    };
  },
};
