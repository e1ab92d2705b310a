/**
 * DigiCert `PUT order/certificate/{order_id}/revoke`: revokes every certificate on an order
 * (duplicates and reissues included). DigiCert's documents say to use it only when every
 * certificate on the order should go; revoke-certificate.ts revokes one. What both share (the
 * body, the approval, reading the answer) is in revoke-call.ts.
 */

import { z } from 'zod';
import type { DigicertAccount, ExecuteOptions, OperationSpec, OperationTarget } from '../operation.ts';
import type { Outcome } from '../outcome.ts';
import { getOrder } from './order-info.ts';
import { approveRequest, getRequest } from './request.ts';
import { findPendingRevokeRequest } from './request-list.ts';
import {
  buildRevokeBody,
  invalidParams,
  positiveIdField,
  type RevokeBody,
  revokeBodyFields,
  sendRevoke,
  unknownFieldsMessage,
} from './revoke-call.ts';

export { DIGICERT_REVOCATION_REASONS } from './revocation-reason.ts';
export { COMMENTS_MAX_CHARS } from './revoke-call.ts';

const orderId = positiveIdField('order_id');

/** The operation's parameters, under DigiCert's names. Parsing its own output gives the same value. */
export const revokeOrderParams = z.strictObject(
  { order_id: orderId, ...revokeBodyFields },
  unknownFieldsMessage,
);

export type RevokeOrderParams = z.output<typeof revokeOrderParams>;
export type RevokeOrderBody = RevokeBody;

/** The JSON body (revoke-call.ts buildRevokeBody). */
export function buildRevokeOrderBody(
  params: RevokeOrderParams,
  account: Pick<DigicertAccount, 'skipApproval'>,
  options: Parameters<typeof buildRevokeBody>[2] = {},
): RevokeBody {
  return buildRevokeBody(params, account, options);
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
  if (!checked.success) return invalidParams(checked.error);
  return sendRevoke(
    account,
    revokeOrderPath(checked.data),
    `order ${checked.data.order_id}`,
    checked.data,
    options,
  );
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
