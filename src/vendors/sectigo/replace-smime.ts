/**
 * `sectigo.replaceSMIME`: POST `!AutoReplaceSMIME`. Replaces the CSR of an S/MIME order (after a key
 * compromise: a new key, optionally revoking the old certificate). Success is `0` with the new
 * order number, which the outcome carries as `learned.newOrderNumber`.
 *
 * Decisions the doc leaves open:
 * - `responseFormat` defaults to 2 (JSON): it is what the vendor's own sample sends, and a JSON
 *   body that was cut off fails to parse, while a cut-off `orderNumber=12` in the other formats
 *   would read as a wrong but plausible order number, and that number is what we must record.
 * - `signatureHash`, `caCertificateID`, `REVOKEOLDORDER` and the guessed fields are sent only when
 *   the job gives them (the vendor's defaults apply otherwise; `signatureHash` is NO_PREFERENCE).
 * - The endpoint has no `test` mode: under a rehearsing account the call is never sent (see
 *   endpoint.ts), because a replacement cannot be undone.
 * - `language` is checked as two ASCII letters and sent lower-case; the vendor's list of allowed
 *   languages was lost from our copy of the doc.
 */

import type { z } from 'zod';
import type { OperationSpec, OperationTarget, SectigoAccount } from '../operation.ts';
import type { Outcome } from '../outcome.ts';
import { csrField } from './csr.ts';
import { appendIfGiven, executeSectigoEndpoint, type SectigoEndpoint, startSectigoForm } from './endpoint.ts';
import {
  checkDigits,
  checkOneOfWords,
  checkYesNo,
  describeValue,
  type FieldCheck,
  optionalField,
  requiredField,
  responseFormatField,
  SECTIGO_LIMITS,
  sectigoParamsObject,
} from './params.ts';

export const REPLACE_SMIME_PATH = '!AutoReplaceSMIME';

export const SIGNATURE_HASHES = ['NO_PREFERENCE', 'INFER_FROM_CSR', 'PREFER_SHA2', 'REQUIRE_SHA2'] as const;

function checkLanguage(value: unknown): FieldCheck<string> {
  if (typeof value === 'string' && /^[a-z]{2}$/i.test(value.trim())) {
    return { ok: true, value: value.trim().toLowerCase() };
  }
  return { ok: false, message: `language must be a two-letter ISO 639-1 code, got ${describeValue(value)}` };
}

export const replaceSmimeParamsSchema = sectigoParamsObject('sectigo.replaceSMIME', {
  orderNumber: requiredField(
    'orderNumber',
    checkDigits('orderNumber', { maxDigits: SECTIGO_LIMITS.replaceOrderNumber }),
  ),
  csr: csrField,
  signatureHash: optionalField(checkOneOfWords('signatureHash', SIGNATURE_HASHES)),
  caCertificateID: optionalField(checkDigits('caCertificateID')),
  revokeOldOrder: optionalField(checkYesNo('revokeOldOrder')),
  responseFormat: responseFormatField([0, 1, 2], 2),
  language: optionalField(checkLanguage),
  smimeVerificationTemplateID: optionalField(checkDigits('smimeVerificationTemplateID')),
  smimeRequestTemplateID: optionalField(checkDigits('smimeRequestTemplateID')),
  smimeCollectionTemplateID: optionalField(checkDigits('smimeCollectionTemplateID')),
});

export type ReplaceSmimeParams = z.output<typeof replaceSmimeParamsSchema>;

/**
 * Our parameter name → the name sent on the wire, the one place to correct a wire name.
 * `REVOKEOLDORDER` is spelled as in the vendor's sample. The last four are GUESSES: our copy of
 * the doc lost their names, so they are inferred from the descriptions (`language`, and the
 * S/MIME verification, request and collection template ids). Check them against Sectigo before
 * relying on them. A wrong name is answered -2 (unrecognised argument): for a job that sent a
 * guessed field that is the job's problem (dead-lettered, naming the field), not the account's.
 */
export const REPLACE_SMIME_WIRE_NAMES = {
  orderNumber: 'orderNumber',
  csr: 'csr',
  signatureHash: 'signatureHash',
  caCertificateID: 'caCertificateID',
  revokeOldOrder: 'REVOKEOLDORDER',
  responseFormat: 'responseFormat',
  language: 'language', // guess
  smimeVerificationTemplateID: 'smimeVerificationTemplateID', // guess
  smimeRequestTemplateID: 'smimeRequestTemplateID', // guess
  smimeCollectionTemplateID: 'smimeCollectionTemplateID', // guess
} as const satisfies Record<keyof ReplaceSmimeParams, string>;

/** Fields whose wire names are guesses (see REPLACE_SMIME_WIRE_NAMES). */
export const GUESSED_REPLACE_SMIME_FIELDS = [
  'language',
  'smimeVerificationTemplateID',
  'smimeRequestTemplateID',
  'smimeCollectionTemplateID',
] as const satisfies readonly (keyof ReplaceSmimeParams)[];

/**
 * -2 "unrecognised argument" halts an account (our request shape is wrong for every job). When
 * this job sent a field whose name is a guess, the guess is the likeliest cause: the job is
 * dead-lettered naming it, and jobs without such fields keep running.
 */
export function blameGuessedField(outcome: Outcome, params: unknown): Outcome {
  if (outcome.code !== '-2' || typeof params !== 'object' || params === null) return outcome;
  const sent = GUESSED_REPLACE_SMIME_FIELDS.filter(
    (f) => (params as Record<string, unknown>)[f] !== undefined,
  );
  if (sent.length === 0) return outcome;
  return {
    ...outcome,
    class: 'permanent',
    message:
      `${outcome.message} — this job sends ${sent.join(', ')}, whose parameter name${sent.length > 1 ? 's are guesses' : ' is a guess'} ` +
      '(unverified: our copy of the docs lost it); drop that column, or correct the name in REPLACE_SMIME_WIRE_NAMES',
  };
}

/** The order the fields go on the wire: the documented ones first, as in the vendor's table. */
const FIELD_ORDER = Object.keys(REPLACE_SMIME_WIRE_NAMES) as (keyof ReplaceSmimeParams)[];

export function buildReplaceSmimeForm(account: SectigoAccount, params: ReplaceSmimeParams): URLSearchParams {
  const form = startSectigoForm(account, false);
  for (const field of FIELD_ORDER) appendIfGiven(form, REPLACE_SMIME_WIRE_NAMES[field], params[field]);
  return form;
}

export function replaceSmimeTarget(params: ReplaceSmimeParams): OperationTarget {
  return { field: 'orderNumber', value: params.orderNumber };
}

const endpoint: SectigoEndpoint<ReplaceSmimeParams> = {
  operation: 'sectigo.replaceSMIME',
  path: REPLACE_SMIME_PATH,
  schema: replaceSmimeParamsSchema,
  hasTestMode: false,
  acceptsSasp: false,
  readsNewOrderNumber: true,
  build: buildReplaceSmimeForm,
  responseFormatOf: (params) => params.responseFormat,
};

export const replaceSmimeOperation: OperationSpec<ReplaceSmimeParams, SectigoAccount> = {
  name: 'sectigo.replaceSMIME',
  vendor: 'sectigo',
  kind: 'replace',
  hasTestMode: false,
  params: replaceSmimeParamsSchema,
  targetOf: replaceSmimeTarget,
  execute: async (account, params, options) =>
    blameGuessedField(await executeSectigoEndpoint(endpoint, account, params, options), params),
};
