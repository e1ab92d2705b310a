/**
 * Contract: `sectigo.replaceSMIME` (our client, src/vendors/sectigo/replace-smime.ts) against the
 * sandbox's !AutoReplaceSMIME over real HTTPS: success with the new order number in the three
 * response formats, every code the sandbox produces for the endpoint (-13, -15 and -40 among
 * them), the rehearsal (never sent: the endpoint has no test mode), network faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { type MadeCsr, makeCsr } from '../../src/sandbox/make-csr.ts';
import { createHttpClient } from '../../src/vendors/http-client.ts';
import type { Outcome } from '../../src/vendors/outcome.ts';
import { callSectigo, outcomeFromSectigoResponse } from '../../src/vendors/sectigo/call.ts';
import { startSectigoForm } from '../../src/vendors/sectigo/endpoint.ts';
import {
  buildReplaceSmimeForm,
  REPLACE_SMIME_PATH,
  replaceSmimeOperation,
  replaceSmimeParamsSchema,
} from '../../src/vendors/sectigo/replace-smime.ts';
import {
  type ContractSandbox,
  DEFAULT_WAIT_MS,
  expectOutcome,
  formRequest,
  rawPlainPost,
  SECTIGO_FAULT_OUTCOMES,
  SECTIGO_LOGINS,
  sectigoOrder,
  startContractSandbox,
} from '../support/contract-sandbox.ts';

const order: typeof sectigoOrder = (n, state, extra = {}) =>
  sectigoOrder(n, state, { product: 'smime', ...extra });

const ORDERS = [
  order('5001', 'issued'),
  order('5002', 'issued'),
  order('5003', 'issued'),
  order('5004', 'issued'),
  order('5005', 'revoked'),
  order('5006', 'being-issued', { issuingCalls: 1 }),
  order('5007', 'rejected'),
  order('5008', 'expired'),
  order('5009', 'not-revocable'),
  order('5010', 'pending'),
  order('5012', 'issued', { faults: ['unknownError'] }),
  order('5013', 'issued', { faults: ['reset'] }),
  order('5014', 'issued', { faults: ['resetAfterEffect'] }),
  order('5015', 'issued', { faults: ['garbage', 'garbage', 'garbage'] }),
  order('5016', 'issued', { faults: ['serverError'] }),
  order('5017', 'issued', { faults: ['hang'] }),
  order('5018', 'issued'),
  order('5020', 'issued', { account: 'other' }),
  order('5021', 'issued'),
  order('5022', 'issued', { account: 'poor' }),
  order('5023', 'issued', { account: 'limited' }),
  order('5024', 'issued'),
];

let cs: ContractSandbox;
let good: MadeCsr;
let small: MadeCsr;
let compromised: MadeCsr;

const replace = (params: Record<string, unknown>, account = cs.sectigo()) =>
  replaceSmimeOperation.execute(account, replaceSmimeOperation.params.parse({ csr: good.pem, ...params }));
const snapshot = (n: string) => cs.sandbox.controls.order('sectigo', n);

beforeAll(async () => {
  [good, small, compromised] = await Promise.all([
    makeCsr({ keyType: 'ec-p256', subject: 'CN=alice@example.com, E=alice@example.com' }),
    makeCsr({ keyType: 'rsa-1024' }),
    makeCsr({ keyType: 'ec-p384' }),
  ]);
  cs = await startContractSandbox(ORDERS, { httpPort: 0, compromisedKeys: [compromised.spkiSha256] });
});
afterAll(async () => {
  await cs?.close();
});

const error = (cls: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  class: cls as 'permanent',
  vendor: 'sectigo' as const,
  code,
  message,
  httpStatus: 200,
  ...extra,
});

/** Checks a successful replacement of `old` and returns the new order number. */
function expectReplaced(outcome: Outcome, old: string): string {
  const fresh = cs.sandbox.state
    .list('sectigo')
    .filter((o) => o.replaces === old)
    .at(-1);
  expect(fresh).toBeDefined();
  const newOrderNumber = fresh!.orderNumber;
  expectOutcome(outcome, {
    class: 'done',
    vendor: 'sectigo',
    code: '0',
    message: `Successful; new order number ${newOrderNumber}`,
    httpStatus: 200,
    learned: { newOrderNumber },
  });
  expect(fresh).toMatchObject({ state: 'issued', account: 'acme' });
  return newOrderNumber;
}

describe('contract sectigo.replaceSMIME: success in the three response formats', () => {
  it('responseFormat 2 (JSON, our default): done with learned.newOrderNumber; the old order stays issued', async () => {
    expectReplaced(await replace({ orderNumber: '5001' }), '5001');
    expect(cs.state('sectigo', '5001')).toBe('issued');
  });

  it('responseFormat 0 (lines: the new number on line 2)', async () => {
    expectReplaced(await replace({ orderNumber: '5002', responseFormat: 0 }), '5002');
  });

  it('responseFormat 1 (url-encoded orderNumber)', async () => {
    expectReplaced(await replace({ orderNumber: '5003', responseFormat: 1 }), '5003');
  });

  it('revokeOldOrder=Y (sent as REVOKEOLDORDER): done, and the old order is revoked', async () => {
    expectReplaced(await replace({ orderNumber: '5004', revokeOldOrder: 'Y' }), '5004');
    expect(snapshot('5004')).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
  });

  it('every optional parameter (the guessed wire names included) is accepted', async () => {
    const bare = good.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    expectReplaced(
      await replace({
        orderNumber: '5024',
        csr: bare,
        signatureHash: 'prefer_sha2',
        caCertificateID: 12,
        revokeOldOrder: false,
        language: 'EN',
        smimeVerificationTemplateID: 1,
        smimeRequestTemplateID: '2',
        smimeCollectionTemplateID: 3,
      }),
      '5024',
    );
    expect(cs.state('sectigo', '5024')).toBe('issued');
  });
});

describe('contract sectigo.replaceSMIME: every documented error code', () => {
  it('-21 already revoked, in formats 2, 0 and 1 → permanent, alreadyRevoked', async () => {
    const expected = error('permanent', '-21', 'The certificate has already been revoked!', {
      learned: { alreadyRevoked: true },
    });
    for (const responseFormat of [2, 0, 1]) {
      expectOutcome(await replace({ orderNumber: '5005', responseFormat }), expected);
    }
    expect(snapshot('5005')?.replacedBy).toEqual([]);
  });

  it('-26 being issued → transient; then the replacement succeeds', async () => {
    expectOutcome(
      await replace({ orderNumber: '5006' }),
      error('transient', '-26', 'The certificate is currently being issued!'),
    );
    expectReplaced(await replace({ orderNumber: '5006' }), '5006');
  });

  it('-43 for a rejected, expired, not-revocable or pending order → permanent', async () => {
    const expected = error('permanent', '-43', 'Certificate is not in a revocable state.');
    for (const n of ['5007', '5008', '5009', '5010']) {
      expectOutcome(await replace({ orderNumber: n }), expected);
      expect(snapshot(n)?.replacedBy).toEqual([]);
    }
  });

  it('-13 a CSR with a 1024-bit RSA key → permanent', async () => {
    expectOutcome(
      await replace({ orderNumber: '5021', csr: small.pem }),
      error('permanent', '-13', 'The CSR uses an unsupported key size!'),
    );
  });

  it('-40 a CSR whose key the sandbox lists as compromised → permanent', async () => {
    expectOutcome(
      await replace({ orderNumber: '5021', csr: compromised.pem, responseFormat: 0 }),
      error('permanent', '-40', 'The key in the CSR is believed to have been compromised!'),
    );
  });

  it('-15 not enough credit → halt', async () => {
    const poor = cs.sectigo({ credentials: { ...SECTIGO_LOGINS.poor } });
    expectOutcome(await replace({ orderNumber: '5022' }, poor), error('halt', '-15', 'Not enough credit!'));
    expect(cs.state('sectigo', '5022')).toBe('issued');
  });

  it('-16 wrong password → halt (this endpoint words it as an authentication failure)', async () => {
    const wrong = cs.sectigo({ credentials: { loginName: 'acme', loginPassword: 'not-the-password' } });
    const outcome = await replace({ orderNumber: '5021' }, wrong);
    expectOutcome(
      outcome,
      error(
        'halt',
        '-16',
        'Incorrect login details, account is locked, password has expired, or your source IP is blocked!',
        { learned: { mayConcernOnlyThisTarget: true } },
      ),
    );
    expect(JSON.stringify(outcome)).not.toContain('not-the-password');
  });

  it("-4 another account's order → permanent", async () => {
    expectOutcome(
      await replace({ orderNumber: '5020', responseFormat: 1 }),
      error('permanent', '-4', "The value of the 'orderNumber' argument is invalid!"),
    );
    expect(snapshot('5020')?.replacedBy).toEqual([]);
  });

  it('-42 → rate-limited for the account default wait', async () => {
    const limited = cs.sectigo({ credentials: { ...SECTIGO_LOGINS.limited } });
    const first = await replace({ orderNumber: '5023' }, limited);
    expect(first.class).toBe('done');
    expectOutcome(
      await replace({ orderNumber: '5023' }, limited),
      error('rate-limited', '-42', 'Call limit reached, please try again later', {
        retryAfterMs: DEFAULT_WAIT_MS,
      }),
    );
  });

  it('-2 test=Y (this endpoint has no test mode) through our call helper → halt', async () => {
    const account = cs.sectigo();
    const form = buildReplaceSmimeForm(
      account,
      replaceSmimeParamsSchema.parse({ orderNumber: '5021', csr: good.pem }),
    );
    form.append('test', 'Y');
    expectOutcome(
      await callSectigo(account, {
        path: REPLACE_SMIME_PATH,
        form,
        responseFormat: 2,
        readsNewOrderNumber: true,
      }),
      error('halt', '-2', 'Unrecognised argument!'),
    );
    expect(snapshot('5021')?.replacedBy).toEqual([]);
  });

  it('-3 missing csr (through our call helper) → permanent', async () => {
    const account = cs.sectigo();
    const form = startSectigoForm(account, false);
    form.append('orderNumber', '5021');
    form.append('responseFormat', '2');
    expectOutcome(
      await callSectigo(account, {
        path: REPLACE_SMIME_PATH,
        form,
        responseFormat: 2,
        readsNewOrderNumber: true,
      }),
      error('permanent', '-3', "The 'csr' argument is missing!"),
    );
  });

  it('-17 GET (our transport) → halt', async () => {
    const account = cs.sectigo();
    const form = buildReplaceSmimeForm(
      account,
      replaceSmimeParamsSchema.parse({ orderNumber: '5021', csr: good.pem }),
    );
    const response = await account.transport.send(formRequest(REPLACE_SMIME_PATH, form, 'GET'));
    if (response.kind !== 'response') throw new Error(`transport fault ${response.code}`);
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 2, readsNewOrderNumber: true }),
      error('halt', '-17', 'Request used GET rather than POST!'),
    );
  });

  it('-1 plain HTTP: createHttpClient refuses http://; the raw -1 (JSON) classifies halt', async () => {
    let thrown: unknown;
    try {
      createHttpClient({ baseUrl: `${cs.sandbox.httpUrl}/products/`, caFile: cs.sandbox.caFile });
    } catch (e) {
      thrown = e;
    }
    expect(isRevokerError(thrown, 'CONFIG_ERR_INVALID')).toBe(true);
    const account = cs.sectigo();
    const form = buildReplaceSmimeForm(
      account,
      replaceSmimeParamsSchema.parse({ orderNumber: '5021', csr: good.pem }),
    );
    const response = await rawPlainPost(`${cs.sandbox.httpUrl}/products/${REPLACE_SMIME_PATH}`, form);
    expect(JSON.parse(response.body)).toEqual({
      errorCode: -1,
      errorMessage: 'Request was not made over https!',
    });
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 2, readsNewOrderNumber: true }),
      error('halt', '-1', 'Request was not made over https!'),
    );
    expect(snapshot('5021')?.replacedBy).toEqual([]);
  });
});

describe('contract sectigo.replaceSMIME: rehearsal', () => {
  it('a rehearsing account never sends a replace (no test mode): permanent CA_ERR_PARAMS, nothing reaches the sandbox', async () => {
    const before = cs.sandbox.stats().totalRequests;
    expectOutcome(await replace({ orderNumber: '5018' }, cs.sectigo({ rehearsal: true })), {
      class: 'permanent',
      vendor: 'sectigo',
      code: 'CA_ERR_PARAMS',
      message: 'sectigo.replaceSMIME has no test mode at the vendor: not sent while the account rehearses',
      latencyMs: 0,
    });
    expect(cs.sandbox.stats().totalRequests).toBe(before);
    expect(snapshot('5018')).toMatchObject({ state: 'issued', replacedBy: [] });
  });
});

describe('contract sectigo.replaceSMIME: network faults', () => {
  it('-14 → transient, may have taken effect', async () => {
    expectOutcome(
      await replace({ orderNumber: '5012' }),
      error('transient', '-14', 'An unknown error occurred!', { mayHaveTakenEffect: true }),
    );
    expect(snapshot('5012')?.replacedBy).toEqual([]);
  });

  it('reset → CA_ERR_RESET transient, may have taken effect', async () => {
    expectOutcome(await replace({ orderNumber: '5013' }), SECTIGO_FAULT_OUTCOMES.reset);
    expect(snapshot('5013')?.replacedBy).toEqual([]);
  });

  it('reset after the replacement was made → CA_ERR_RESET, may have taken effect (it did; no number was learned)', async () => {
    expectOutcome(await replace({ orderNumber: '5014' }), SECTIGO_FAULT_OUTCOMES.reset);
    // The vendor made the replacement we never heard of: a retry would make another one.
    expect(snapshot('5014')?.replacedBy).toHaveLength(1);
  });

  it('garbage in each of the three formats → CA_ERR_RESPONSE transient, never a success without a number', async () => {
    for (const responseFormat of [2, 1, 0]) {
      expectOutcome(await replace({ orderNumber: '5015', responseFormat }), SECTIGO_FAULT_OUTCOMES.garbage);
    }
    expect(snapshot('5015')?.replacedBy).toEqual([]);
  });

  it('5xx → transient http-5xx', async () => {
    const outcome = await replace({ orderNumber: '5016' });
    expect(outcome.httpStatus).toBeGreaterThanOrEqual(500);
    expectOutcome(outcome, SECTIGO_FAULT_OUTCOMES.serverError(outcome.httpStatus));
  });

  it('hang with a short headersTimeoutMs → CA_ERR_TIMEOUT', async () => {
    expectOutcome(
      await replace({ orderNumber: '5017' }, cs.sectigo({ transport: cs.sectigoShortTransport })),
      SECTIGO_FAULT_OUTCOMES.timeout,
    );
  });
});
