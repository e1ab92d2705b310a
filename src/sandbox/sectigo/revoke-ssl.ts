/**
 * Fake `!AutoRevokeSSL` (v1.07): revokes an issued certificate or rejects an order not yet
 * issued, named by orderNumber, certificateID or serialNumber. Parameter names are
 * case-insensitive. Without revocationReason a being-issued order answers -23 (the v1.00 code)
 * instead of -26. `codeReason` is accepted as newer versions of the endpoint do.
 */
import type { OrderRecord } from '../order-state.ts';
import type { TargetField } from '../order-store.ts';
import { SECTIGO_CODES } from './codes.ts';
import { CREDENTIAL_PARAMS, findOrder, revokeAnswer, type SectigoEndpoint } from './endpoint.ts';
import { CODE_REASON, check, INTEGER, maxLength, REVOCATION_REASON_MAX, refuse, yesNo } from './params.ts';

const TARGETS: readonly [TargetField, RegExp][] = [
  ['orderNumber', INTEGER],
  ['certificateID', /^\d{1,16}$/],
  ['serialNumber', /^[0-9a-fA-F]{1,34}$/],
];

export const revokeSslEndpoint: SectigoEndpoint = {
  name: 'AutoRevokeSSL',
  params: [
    ...CREDENTIAL_PARAMS,
    'saspSessionID',
    'orderNumber',
    'certificateID',
    'serialNumber',
    'revocationReason',
    'codeReason',
    'test',
    'responseFormat',
  ],
  caseInsensitiveNames: true,
  formats: [0, 1],
  acceptsSaspSession: true,
  async prepare(call) {
    const { params } = call;
    const given = TARGETS.flatMap(([field, pattern]) => {
      const value = params.get(field);
      return value === undefined ? [] : [[field, check(field, value, pattern)] as const];
    });
    if (given.length === 0) refuse(SECTIGO_CODES.missingArgument, 'orderNumber');
    const reason = params.get('revocationReason');
    if (reason !== undefined) maxLength('revocationReason', reason, REVOCATION_REASON_MAX);
    const codeReason = params.get('codeReason');
    if (codeReason !== undefined) check('codeReason', codeReason, CODE_REASON);
    const test = yesNo(params, 'test', true);

    // Several identifiers must all name the same order; the first found decides.
    let order: OrderRecord | undefined;
    for (const [field, value] of given) {
      const found = findOrder(call, field, value);
      if (order && found !== order) refuse(SECTIGO_CODES.invalidArgument, field);
      order = found;
    }
    const target = order as OrderRecord;
    return {
      order: target,
      execute: () =>
        revokeAnswer(call.ctx.store.revoke(target, { test, unissued: 'reject' }), {
          beingIssued: reason === undefined ? SECTIGO_CODES.beingIssuedV100 : SECTIGO_CODES.beingIssued,
          expired: SECTIGO_CODES.expired,
        }),
    };
  },
};
