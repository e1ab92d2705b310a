/**
 * `sectigo.revokeSSL`: POST `!AutoRevokeSSL` (spec v1.07). Revokes the certificate of an order if
 * it was issued, or rejects the order if not; both answer `0`.
 *
 * The target is exactly one of `orderNumber`, `certificateID` (≤16 digits) or `serialNumber`
 * (hex, ≤34 digits). Authentication is the account's: a login, or a SASP session id (this is the
 * only endpoint that takes one).
 *
 * Decisions the spec leaves open:
 * - `codeReason` is sent only when the job gives one: v1.07 does not list it (newer versions do),
 *   and an argument an older version does not know is answered with -2, which halts the account.
 * - `responseFormat` defaults to 1 (url-encoded): named fields, and `errorDetail` when the vendor
 *   adds one. The parser reads format 0 as well, whatever was asked.
 */

import type { z } from 'zod';
import type { OperationSpec, OperationTarget, SectigoAccount } from '../operation.ts';
import {
  appendIfGiven,
  appendTest,
  executeSectigoEndpoint,
  type SectigoEndpoint,
  startSectigoForm,
} from './endpoint.ts';
import {
  certificateIdField,
  checkSerialNumber,
  optionalCodeReasonField,
  optionalField,
  optionalOrderNumberField,
  optionalRevocationReasonField,
  responseFormatField,
  SECTIGO_LIMITS,
  sectigoParamsObject,
  testField,
} from './params.ts';

export const REVOKE_SSL_PATH = '!AutoRevokeSSL';

/** The parameters that can name the certificate; exactly one must be given. */
export const REVOKE_SSL_TARGET_FIELDS = ['orderNumber', 'certificateID', 'serialNumber'] as const;

export const revokeSslParamsSchema = sectigoParamsObject('sectigo.revokeSSL', {
  orderNumber: optionalOrderNumberField,
  certificateID: certificateIdField,
  serialNumber: optionalField(checkSerialNumber('serialNumber', SECTIGO_LIMITS.revokeSslSerialHexDigits)),
  revocationReason: optionalRevocationReasonField,
  codeReason: optionalCodeReasonField,
  test: testField,
  responseFormat: responseFormatField([0, 1], 1),
}).superRefine((params, ctx) => {
  const given = REVOKE_SSL_TARGET_FIELDS.filter((field) => params[field] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        given.length === 0
          ? 'one of orderNumber, certificateID or serialNumber is required'
          : `give only one of orderNumber, certificateID or serialNumber, not ${given.join(' and ')}`,
    });
  }
});

export type RevokeSslParams = z.output<typeof revokeSslParamsSchema>;

export function buildRevokeSslForm(account: SectigoAccount, params: RevokeSslParams): URLSearchParams {
  const form = startSectigoForm(account, true);
  appendIfGiven(form, 'orderNumber', params.orderNumber);
  appendIfGiven(form, 'certificateID', params.certificateID);
  appendIfGiven(form, 'serialNumber', params.serialNumber);
  appendIfGiven(form, 'revocationReason', params.revocationReason);
  appendIfGiven(form, 'codeReason', params.codeReason);
  appendTest(form, account, params.test);
  form.append('responseFormat', String(params.responseFormat));
  return form;
}

export function revokeSslTarget(params: RevokeSslParams): OperationTarget {
  for (const field of REVOKE_SSL_TARGET_FIELDS) {
    const value = params[field];
    if (value !== undefined) return { field, value };
  }
  // Unreachable for parsed params: the schema demands exactly one.
  throw new Error('sectigo.revokeSSL params name no target');
}

const endpoint: SectigoEndpoint<RevokeSslParams> = {
  operation: 'sectigo.revokeSSL',
  path: REVOKE_SSL_PATH,
  schema: revokeSslParamsSchema,
  hasTestMode: true,
  acceptsSasp: true,
  readsNewOrderNumber: false,
  build: buildRevokeSslForm,
  responseFormatOf: (params) => params.responseFormat,
};

export const revokeSslOperation: OperationSpec<RevokeSslParams, SectigoAccount> = {
  name: 'sectigo.revokeSSL',
  vendor: 'sectigo',
  kind: 'revoke',
  hasTestMode: true,
  params: revokeSslParamsSchema,
  targetOf: revokeSslTarget,
  execute: (account, params, options) => executeSectigoEndpoint(endpoint, account, params, options),
};
