/**
 * Fake `!AutoReplaceSMIME`: replaces an issued S/MIME order with a new one from a PKCS#10 CSR
 * and answers the new order number; with REVOKEOLDORDER=Y the old certificate is revoked.
 * Offers response formats 0, 1 and 2. Refuses an unreadable CSR (-4 csr), an unsupported key
 * size (-13), a key listed as compromised (-40) and an account without credit (-15).
 *
 * The names of the language and template parameters are not in the copied docs: the ones
 * below are guesses (see vendor-notes.md), and names are matched case-insensitively here
 * because the docs' own sample spells REVOKEOLDORDER in capitals, unlike every other name.
 */
import { inspectCsr, isSupportedKey } from '../csr-inspection.ts';
import { advanceIssuing } from '../order-state.ts';
import { SECTIGO_CODES } from './codes.ts';
import { CREDENTIAL_PARAMS, findOrder, type SectigoEndpoint } from './endpoint.ts';
import { check, INTEGER, maxLength, refuse, required, yesNo } from './params.ts';
import type { SectigoAnswer } from './response.ts';

const SIGNATURE_HASHES = /^(NO_PREFERENCE|INFER_FROM_CSR|PREFER_SHA2|REQUIRE_SHA2)$/;

/** Guessed names (vendor-notes.md): one table, so a correction is one line. */
export const SMIME_OPTIONAL_INTEGER_PARAMS = [
  'caCertificateID',
  'smimeVerificationTemplateID',
  'smimeRequestTemplateID',
  'smimeCollectionTemplateID',
] as const;

export const replaceSmimeEndpoint: SectigoEndpoint = {
  name: 'AutoReplaceSMIME',
  params: [
    ...CREDENTIAL_PARAMS,
    'orderNumber',
    'csr',
    'signatureHash',
    'REVOKEOLDORDER',
    'responseFormat',
    'language',
    ...SMIME_OPTIONAL_INTEGER_PARAMS,
  ],
  caseInsensitiveNames: true,
  formats: [0, 1, 2],
  acceptsSaspSession: false,
  async prepare(call) {
    const { params, account, ctx } = call;
    const orderNumber = maxLength('orderNumber', required(params, 'orderNumber'), 128);
    const csrText = maxLength('csr', required(params, 'csr'), 32_767);
    const signatureHash = params.get('signatureHash');
    if (signatureHash !== undefined) check('signatureHash', signatureHash, SIGNATURE_HASHES);
    for (const name of SMIME_OPTIONAL_INTEGER_PARAMS) {
      const value = params.get(name);
      if (value !== undefined) check(name, value, INTEGER);
    }
    const language = params.get('language');
    if (language !== undefined) check('language', language, /^[A-Za-z]{2}$/);
    const revokeOld = yesNo(params, 'REVOKEOLDORDER', true);

    const csr = (await inspectCsr(csrText)) ?? refuse(SECTIGO_CODES.invalidArgument, 'csr');
    if (!isSupportedKey(csr)) refuse(SECTIGO_CODES.unsupportedKeySize);
    if (ctx.compromisedKeys.has(csr.spkiSha256)) refuse(SECTIGO_CODES.compromisedKey);
    if (!account.credit) refuse(SECTIGO_CODES.notEnoughCredit);

    const order = findOrder(call, 'orderNumber', check('orderNumber', orderNumber, INTEGER));
    return {
      order,
      execute(): SectigoAnswer {
        switch (order.state) {
          case 'issued': {
            const fresh = ctx.store.replace(order, { revokeOld });
            return { code: SECTIGO_CODES.success, orderNumber: fresh.orderNumber };
          }
          case 'being-issued':
            advanceIssuing(order);
            return { code: SECTIGO_CODES.beingIssued };
          case 'revoked':
            return { code: SECTIGO_CODES.alreadyRevoked };
          default:
            return { code: SECTIGO_CODES.notRevocable };
        }
      },
    };
  },
};
