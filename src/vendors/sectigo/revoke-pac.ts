/**
 * `sectigo.revokePAC`: POST `!AutoRevokePAC`. Revokes a PAC order.
 *
 * The endpoint answers in lines only, so no `responseFormat` is sent (an argument it does not know
 * could be answered with -2, which halts the account); the parser still tolerates the other shapes.
 * `revocationReason` is required here, unlike on the other endpoints. `codeReason` defaults to 0 and
 * is always sent. The doc's endpoint line drops the `/` before `!`; its curl sample has it, and the
 * path here is relative to the `/products/` base either way.
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
  codeReasonWithDefaultField,
  orderNumberField,
  revocationReasonField,
  sectigoParamsObject,
  testField,
} from './params.ts';

export const REVOKE_PAC_PATH = '!AutoRevokePAC';

export const revokePacParamsSchema = sectigoParamsObject('sectigo.revokePAC', {
  orderNumber: orderNumberField,
  accountID: accountIdField,
  revocationReason: revocationReasonField,
  codeReason: codeReasonWithDefaultField,
  test: testField,
});

export type RevokePacParams = z.output<typeof revokePacParamsSchema>;

export function buildRevokePacForm(account: SectigoAccount, params: RevokePacParams): URLSearchParams {
  const form = startSectigoForm(account, false);
  form.append('orderNumber', params.orderNumber);
  appendIfGiven(form, 'accountID', params.accountID);
  form.append('revocationReason', params.revocationReason);
  form.append('codeReason', String(params.codeReason));
  appendTest(form, account, params.test);
  return form;
}

export function revokePacTarget(params: RevokePacParams): OperationTarget {
  return { field: 'orderNumber', value: params.orderNumber };
}

const endpoint: SectigoEndpoint<RevokePacParams> = {
  operation: 'sectigo.revokePAC',
  path: REVOKE_PAC_PATH,
  schema: revokePacParamsSchema,
  hasTestMode: true,
  acceptsSasp: false,
  readsNewOrderNumber: false,
  build: buildRevokePacForm,
  responseFormatOf: () => 0,
};

export const revokePacOperation: OperationSpec<RevokePacParams, SectigoAccount> = {
  name: 'sectigo.revokePAC',
  vendor: 'sectigo',
  kind: 'revoke',
  hasTestMode: true,
  params: revokePacParamsSchema,
  targetOf: revokePacTarget,
  execute: (account, params, options) => executeSectigoEndpoint(endpoint, account, params, options),
};
