/**
 * DigiCert `PUT certificate/{certificate_id or serial}/revoke`: revokes one certificate of an
 * order, leaving its duplicates and reissues (which may carry other, healthy keys already
 * deployed) valid. After a key compromise this is the call that revokes exactly the
 * certificates carrying the leaked key. Approval, skip_approval and reading the answer are the
 * order revoke's (revoke-call.ts).
 *
 * DigiCert refuses to revoke a certificate whose reissue is pending; that refusal is its own
 * outcome (errors.ts `saysReissuePending`), never retried blindly.
 *
 * No documented read gives one certificate's status, so an uncertain revoke of a certificate is
 * settled by the pending request list (a request for the certificate → follow it) and, when
 * sent again, by the ambiguity rule ("already revoked" after an attempt that may have worked).
 */
import { z } from 'zod';
import type { DigicertAccount, ExecuteOptions, OperationSpec, OperationTarget } from '../operation.ts';
import type { Outcome } from '../outcome.ts';
import { approveRequest, getRequest } from './request.ts';
import { findPendingRevokeRequest } from './request-list.ts';
import {
  invalidParams,
  positiveIdField,
  revokeBodyFields,
  sendRevoke,
  unknownFieldsMessage,
} from './revoke-call.ts';

/** RFC 5280 serials are at most 20 octets. */
export const SERIAL_MAX_HEX_DIGITS = 40;

const certificateId = positiveIdField('certificate_id');

/** Hexadecimal, plain or in colon-separated byte pairs, any case → upper-case hex digits (as Sectigo's). */
const serialNumber = z.string({ error: 'serialNumber must be hexadecimal text' }).transform((value, ctx) => {
  const trimmed = value.trim();
  if (!/^[0-9a-f]+$/i.test(trimmed) && !/^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(trimmed)) {
    ctx.addIssue({
      code: 'custom',
      message: `serialNumber must be hexadecimal (0-9, A-F), optionally with colons between byte pairs, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  const hex = trimmed.replaceAll(':', '').toUpperCase();
  if (hex.length > SERIAL_MAX_HEX_DIGITS) {
    ctx.addIssue({
      code: 'custom',
      message: `serialNumber must be at most ${SERIAL_MAX_HEX_DIGITS} hexadecimal digits, got ${hex.length}`,
    });
    return z.NEVER;
  }
  return hex;
});

/** The operation's parameters: exactly one of certificate_id | serialNumber, and the revoke body's. */
export const revokeCertificateParams = z
  .strictObject(
    { certificate_id: certificateId.optional(), serialNumber: serialNumber.optional(), ...revokeBodyFields },
    unknownFieldsMessage,
  )
  .superRefine((params, ctx) => {
    const given = [params.certificate_id, params.serialNumber].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [params.certificate_id === undefined ? 'certificate_id' : 'serialNumber'],
        message:
          given === 0
            ? 'certificate_id or serialNumber is required: which certificate of the order to revoke'
            : 'give certificate_id or serialNumber, not both (DigiCert takes one in the path)',
      });
    }
  });

export type RevokeCertificateParams = z.output<typeof revokeCertificateParams>;

/** The identifier in the path: the certificate id when given, else the serial number. */
export function certificateIdentifier(
  params: Pick<RevokeCertificateParams, 'certificate_id' | 'serialNumber'>,
): string {
  return params.certificate_id !== undefined ? String(params.certificate_id) : (params.serialNumber ?? '');
}

export function revokeCertificatePath(params: RevokeCertificateParams): string {
  return `certificate/${certificateIdentifier(params)}/revoke`;
}

export async function revokeCertificate(
  account: DigicertAccount,
  params: RevokeCertificateParams,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  // Checked again here: job data comes back through Redis, and a bad identifier must not reach a URL.
  const checked = revokeCertificateParams.safeParse(params);
  if (!checked.success) return invalidParams(checked.error);
  const what =
    checked.data.certificate_id !== undefined
      ? `certificate ${checked.data.certificate_id}`
      : `certificate with serial ${checked.data.serialNumber}`;
  return sendRevoke(account, revokeCertificatePath(checked.data), what, checked.data, options);
}

export const revokeCertificateOperation: OperationSpec<RevokeCertificateParams, DigicertAccount> = {
  name: 'digicert.revokeCertificate',
  vendor: 'digicert',
  kind: 'revoke',
  hasTestMode: false,
  params: revokeCertificateParams,
  targetOf(params: RevokeCertificateParams): OperationTarget {
    return params.certificate_id !== undefined
      ? { field: 'certificate_id', value: String(params.certificate_id) }
      : { field: 'serialNumber', value: params.serialNumber ?? '' };
  },
  execute: revokeCertificate,
  reads: {
    pendingRequest: (account, params, offset, options) =>
      findPendingRevokeRequest(
        account,
        params.certificate_id !== undefined
          ? { certificateId: String(params.certificate_id) }
          : { serialNumber: params.serialNumber ?? '' },
        offset,
        options,
      ),
  },
  approval: { approve: approveRequest, read: getRequest },
};
