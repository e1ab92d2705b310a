/**
 * Fake `!AutoRevokePAC`: revokes a PAC order. revocationReason and codeReason are required (as
 * the table says), `test` is Y or N, and the answer is always newline-delimited (there is no
 * responseFormat parameter: sending one is an unrecognised argument). An expired or otherwise
 * unrevocable order answers -43.
 */
import { SECTIGO_CODES } from './codes.ts';
import { CREDENTIAL_PARAMS, findOrder, revokeAnswer, type SectigoEndpoint } from './endpoint.ts';
import { CODE_REASON, check, INTEGER, maxLength, REVOCATION_REASON_MAX, required, yesNo } from './params.ts';

export const revokePacEndpoint: SectigoEndpoint = {
  name: 'AutoRevokePAC',
  params: [...CREDENTIAL_PARAMS, 'accountID', 'orderNumber', 'revocationReason', 'codeReason', 'test'],
  caseInsensitiveNames: false,
  formats: [0],
  acceptsSaspSession: false,
  async prepare(call) {
    const { params } = call;
    const accountID = params.get('accountID');
    if (accountID !== undefined) check('accountID', accountID, INTEGER);
    const orderNumber = check('orderNumber', required(params, 'orderNumber'), INTEGER);
    maxLength('revocationReason', required(params, 'revocationReason'), REVOCATION_REASON_MAX);
    check('codeReason', required(params, 'codeReason'), CODE_REASON);
    const test = yesNo(params, 'test', false);

    const order = findOrder(call, 'orderNumber', orderNumber);
    return {
      order,
      execute: () =>
        revokeAnswer(call.ctx.store.revoke(order, { test, unissued: 'reject' }), {
          beingIssued: SECTIGO_CODES.beingIssued,
          expired: SECTIGO_CODES.notRevocable,
        }),
    };
  },
};
