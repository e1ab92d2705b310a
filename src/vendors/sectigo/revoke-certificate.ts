/**
 * `sectigo.revokeCertificate`: POST `!AutoRevokeCertificate`. Revokes the certificate of an order,
 * or cancels the order if nothing was issued yet.
 *
 * Decisions the doc leaves open:
 * - Path: the doc's heading spells `!autoRevokeCertificate`, its curl sample (and DESIGN.md)
 *   `!AutoRevokeCertificate`. We send the sample's spelling: it is the one shown working.
 * - `codeReason` is "required" yet "defaults to 0 if omitted": we always send it, 0 when the job
 *   gives none, so the record says exactly what was asked of the CA.
 * - `orderNumber` is required, as in our copy of the doc (newer versions also accept a
 *   certificateID or serial alone). `serialNumber` (≤50 hex digits) picks one certificate of the
 *   order; when given it is the target, so two jobs for two certificates of one order stay two jobs.
 * - `includeInCRL=N` marks a certificate "replaced" without revoking it or listing it on the CRL
 *   (vendor notes): its success is recorded `marked-replaced`, never `revoked`, and N is part of
 *   the job's target, so a later row with Y for the certificate is new work that revokes it.
 *   Sent only when the job gives it.
 * - `responseFormat` defaults to 1 (url-encoded), as for AutoRevokeSSL.
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
  accountIdField,
  checkDigits,
  checkSerialNumber,
  checkYesNo,
  codeReasonWithDefaultField,
  optionalField,
  optionalRevocationReasonField,
  orderNumberField,
  responseFormatField,
  SECTIGO_LIMITS,
  sectigoParamsObject,
  testField,
} from './params.ts';

export const REVOKE_CERTIFICATE_PATH = '!AutoRevokeCertificate';

export const revokeCertificateParamsSchema = sectigoParamsObject('sectigo.revokeCertificate', {
  orderNumber: orderNumberField,
  accountID: accountIdField,
  revocationReason: optionalRevocationReasonField,
  codeReason: codeReasonWithDefaultField,
  serialNumber: optionalField(
    checkSerialNumber('serialNumber', SECTIGO_LIMITS.revokeCertificateSerialHexDigits),
  ),
  productCode: optionalField(checkDigits('productCode')),
  test: testField,
  responseFormat: responseFormatField([0, 1], 1),
  includeInCRL: optionalField(checkYesNo('includeInCRL')),
});

export type RevokeCertificateParams = z.output<typeof revokeCertificateParamsSchema>;

export function buildRevokeCertificateForm(
  account: SectigoAccount,
  params: RevokeCertificateParams,
): URLSearchParams {
  const form = startSectigoForm(account, false);
  form.append('orderNumber', params.orderNumber);
  appendIfGiven(form, 'accountID', params.accountID);
  appendIfGiven(form, 'revocationReason', params.revocationReason);
  form.append('codeReason', String(params.codeReason));
  appendIfGiven(form, 'serialNumber', params.serialNumber);
  appendIfGiven(form, 'productCode', params.productCode);
  appendIfGiven(form, 'includeInCRL', params.includeInCRL);
  appendTest(form, account, params.test);
  form.append('responseFormat', String(params.responseFormat));
  return form;
}

export function revokeCertificateTarget(params: RevokeCertificateParams): OperationTarget {
  const target =
    params.serialNumber === undefined
      ? { field: 'orderNumber', value: params.orderNumber }
      : { field: 'serialNumber', value: params.serialNumber };
  // N only marks the certificate replaced: a later Y for the same certificate is new work.
  return params.includeInCRL === 'N' ? { ...target, variant: NO_CRL_VARIANT } : target;
}

/** The job-id variant of includeInCRL=N. */
export const NO_CRL_VARIANT = 'noCRL';

const endpoint: SectigoEndpoint<RevokeCertificateParams> = {
  operation: 'sectigo.revokeCertificate',
  path: REVOKE_CERTIFICATE_PATH,
  schema: revokeCertificateParamsSchema,
  hasTestMode: true,
  acceptsSasp: false,
  readsNewOrderNumber: false,
  build: buildRevokeCertificateForm,
  responseFormatOf: (params) => params.responseFormat,
};

export const revokeCertificateOperation: OperationSpec<RevokeCertificateParams, SectigoAccount> = {
  name: 'sectigo.revokeCertificate',
  vendor: 'sectigo',
  kind: 'revoke',
  hasTestMode: true,
  params: revokeCertificateParamsSchema,
  targetOf: revokeCertificateTarget,
  // includeInCRL=N: the vendor marks the certificate replaced; it is not revoked, not on the CRL.
  successOutcome: (params) => (params.includeInCRL === 'N' ? 'marked-replaced' : 'revoked'),
  execute: (account, params, options) => executeSectigoEndpoint(endpoint, account, params, options),
};
