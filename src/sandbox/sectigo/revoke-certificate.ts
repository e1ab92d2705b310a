/**
 * Fake `!autoRevokeCertificate`: revokes the certificate of an order, or cancels (rejects) an
 * order not yet issued; an expired certificate answers -35. Names are case-sensitive; the
 * path is either documented spelling. `codeReason` is required. `test` is case-sensitive (Y or N). `serialNumber`, when given,
 * must be the order's. `includeInCRL=N` (newer versions) marks the certificate "replaced" without
 * revoking it or listing it on the CRL; a later call with Y (or none) revokes it (vendor docs).
 */

import { normaliseSerial } from '../order-state.ts';
import { SECTIGO_CODES } from './codes.ts';
import { CREDENTIAL_PARAMS, findOrder, revokeAnswer, type SectigoEndpoint } from './endpoint.ts';
import {
  CODE_REASON,
  check,
  INTEGER,
  maxLength,
  REVOCATION_REASON_MAX,
  refuse,
  required,
  yesNo,
} from './params.ts';

export const revokeCertificateEndpoint: SectigoEndpoint = {
  name: 'autoRevokeCertificate',
  params: [
    ...CREDENTIAL_PARAMS,
    'orderNumber',
    'accountID',
    'revocationReason',
    'codeReason',
    'serialNumber',
    'productCode',
    'test',
    'responseFormat',
    'includeInCRL',
  ],
  caseInsensitiveNames: false,
  formats: [0, 1],
  acceptsSaspSession: false,
  async prepare(call) {
    const { params } = call;
    const orderNumber = check('orderNumber', required(params, 'orderNumber'), INTEGER);
    const accountID = params.get('accountID');
    if (accountID !== undefined) check('accountID', accountID, INTEGER);
    const reason = params.get('revocationReason');
    if (reason !== undefined) maxLength('revocationReason', reason, REVOCATION_REASON_MAX);
    // Documented as required (the table); its "If omitted, …" text was lost in the copy, so the
    // sandbox holds to the one clear word: missing is -3.
    check('codeReason', required(params, 'codeReason'), CODE_REASON);
    const serial = params.get('serialNumber');
    if (serial !== undefined) check('serialNumber', serial, /^[0-9a-fA-F:]{1,50}$/);
    const productCode = params.get('productCode');
    if (productCode !== undefined) check('productCode', productCode, INTEGER);
    const test = yesNo(params, 'test', false);
    // N marks the certificate "replaced": not revoked, not on the CRL; a later Y revokes it.
    const markOnly = params.get('includeInCRL') !== undefined && !yesNo(params, 'includeInCRL', false);

    const order = findOrder(call, 'orderNumber', orderNumber);
    if (serial !== undefined && order.serialNumber !== normaliseSerial(serial)) {
      refuse(SECTIGO_CODES.invalidArgument, 'serialNumber');
    }
    return {
      order,
      execute: () =>
        revokeAnswer(call.ctx.store.revoke(order, { test, unissued: 'reject', markOnly }), {
          beingIssued: SECTIGO_CODES.beingIssued,
          expired: SECTIGO_CODES.expired,
        }),
    };
  },
};
