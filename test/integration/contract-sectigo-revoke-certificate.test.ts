/**
 * Contract: `sectigo.revokeCertificate` (our client, src/vendors/sectigo/revoke-certificate.ts)
 * against the sandbox's !autoRevokeCertificate over real HTTPS: success and every code the
 * sandbox can produce for the endpoint, both response formats, the rehearsal, network faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { createHttpClient } from '../../src/vendors/http-client.ts';
import { callSectigo, outcomeFromSectigoResponse } from '../../src/vendors/sectigo/call.ts';
import { startSectigoForm } from '../../src/vendors/sectigo/endpoint.ts';
import {
  buildRevokeCertificateForm,
  REVOKE_CERTIFICATE_PATH,
  revokeCertificateOperation,
  revokeCertificateParamsSchema,
} from '../../src/vendors/sectigo/revoke-certificate.ts';
import {
  ACME_SASP,
  type ContractSandbox,
  DEFAULT_WAIT_MS,
  expectOutcome,
  formRequest,
  sectigoOrder as order,
  rawPlainPost,
  SECTIGO_FAULT_OUTCOMES,
  SECTIGO_LOGINS,
  startContractSandbox,
} from '../support/contract-sandbox.ts';

const ORDERS = [
  order('3001', 'issued'),
  order('3002', 'issued'),
  order('3003', 'issued', { serialNumber: '0ABCDEF0123' }),
  order('3004', 'issued', { serialNumber: 'FEED' }),
  order('3005', 'pending'),
  order('3006', 'rejected'),
  order('3007', 'revoked'),
  order('3008', 'revoked'),
  order('3009', 'being-issued', { issuingCalls: 2 }),
  order('3010', 'expired'),
  order('3011', 'not-revocable'),
  order('3012', 'issued', { faults: ['unknownError'] }),
  order('3013', 'issued', { faults: ['reset'] }),
  order('3014', 'issued', { faults: ['resetAfterEffect'] }),
  order('3015', 'issued', { faults: ['garbage', 'garbage'] }),
  order('3016', 'issued', { faults: ['serverError'] }),
  order('3017', 'issued', { faults: ['hang'] }),
  order('3018', 'issued'),
  order('3019', 'pending'),
  order('3020', 'issued', { account: 'other' }),
  order('3021', 'issued'),
  order('3022', 'issued'),
  order('3023', 'issued', { account: 'limited' }),
  order('3024', 'being-issued', { issuingCalls: 2 }),
];

let cs: ContractSandbox;
const revoke = (params: Record<string, unknown>, account = cs.sectigo()) =>
  revokeCertificateOperation.execute(account, revokeCertificateOperation.params.parse(params));
const snapshot = (n: string) => cs.sandbox.controls.order('sectigo', n);

beforeAll(async () => {
  cs = await startContractSandbox(ORDERS, { httpPort: 0 });
});
afterAll(async () => {
  await cs?.close();
});

const SUCCESS = {
  class: 'done',
  vendor: 'sectigo',
  code: '0',
  message: 'Successful',
  httpStatus: 200,
} as const;
const error = (cls: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  class: cls as 'permanent',
  vendor: 'sectigo' as const,
  code,
  message,
  httpStatus: 200,
  ...extra,
});

describe('contract sectigo.revokeCertificate: success in both response formats', () => {
  it('responseFormat 1 (our default): 0 → done, the order is revoked', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3001', codeReason: 1, revocationReason: 'key compromise' }),
      SUCCESS,
    );
    expect(snapshot('3001')).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
  });

  it('responseFormat 0 without codeReason (we send 0): done', async () => {
    expectOutcome(await revoke({ orderNumber: '3002', responseFormat: 0 }), SUCCESS);
    expect(cs.state('sectigo', '3002')).toBe('revoked');
  });

  it("with the order's serialNumber (lower case, leading zero), productCode, accountID, includeInCRL", async () => {
    expectOutcome(
      await revoke({
        orderNumber: '3003',
        serialNumber: '0abcdef0123',
        codeReason: 4,
        productCode: 287,
        accountID: '77',
        includeInCRL: 'Y',
      }),
      SUCCESS,
    );
    expect(cs.state('sectigo', '3003')).toBe('revoked');
  });

  it('a pending order is cancelled with 0; a second call is -20 permanent, alreadyRejected', async () => {
    expectOutcome(await revoke({ orderNumber: '3005' }), SUCCESS);
    expect(cs.state('sectigo', '3005')).toBe('rejected');
    expectOutcome(
      await revoke({ orderNumber: '3005' }),
      error('permanent', '-20', 'The certificate request has already been rejected!', {
        learned: { alreadyRejected: true },
      }),
    );
  });
});

describe('contract sectigo.revokeCertificate: every documented error code', () => {
  it('-20 rejected (seeded) → permanent, alreadyRejected', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3006', responseFormat: 0 }),
      error('permanent', '-20', 'The certificate request has already been rejected!', {
        learned: { alreadyRejected: true },
      }),
    );
  });

  it('-21 already revoked in format 1 and format 0 → permanent, alreadyRevoked', async () => {
    const expected = error('permanent', '-21', 'The certificate has already been revoked!', {
      learned: { alreadyRevoked: true },
    });
    expectOutcome(await revoke({ orderNumber: '3007' }), expected);
    expectOutcome(await revoke({ orderNumber: '3008', responseFormat: 0 }), expected);
  });

  it('-26 being issued (with or without revocationReason: this endpoint has no -23) → transient', async () => {
    const expected = error('transient', '-26', 'The certificate is currently being issued!');
    expectOutcome(await revoke({ orderNumber: '3009' }), expected);
    expectOutcome(await revoke({ orderNumber: '3009', revocationReason: 'r' }), expected);
    expectOutcome(await revoke({ orderNumber: '3009' }), SUCCESS);
  });

  it('-35 expired → permanent', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3010' }),
      error('permanent', '-35', 'The certificate has expired and cannot be revoked!'),
    );
    expect(cs.state('sectigo', '3010')).toBe('expired');
  });

  it('-43 not revocable → permanent', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3011', responseFormat: 0 }),
      error('permanent', '-43', 'Certificate is not in a revocable state.'),
    );
  });

  it("-4 another account's order, a serial that is not the order's → permanent", async () => {
    expectOutcome(
      await revoke({ orderNumber: '3020' }),
      error('permanent', '-4', "The value of the 'orderNumber' argument is invalid!"),
    );
    expectOutcome(
      await revoke({ orderNumber: '3004', serialNumber: 'BEEF', responseFormat: 0 }),
      error('permanent', '-4', "The value of the 'serialNumber' argument is invalid!"),
    );
    expect(cs.state('sectigo', '3020')).toBe('issued');
    expect(cs.state('sectigo', '3004')).toBe('issued');
  });

  it('-16 wrong password → halt, password not echoed', async () => {
    const wrong = cs.sectigo({ credentials: { loginName: 'acme', loginPassword: 'not-the-password' } });
    const outcome = await revoke({ orderNumber: '3021' }, wrong);
    expectOutcome(
      outcome,
      error('halt', '-16', 'Permission denied!', { learned: { mayConcernOnlyThisTarget: true } }),
    );
    expect(JSON.stringify(outcome)).not.toContain('not-the-password');
    expect(cs.state('sectigo', '3021')).toBe('issued');
  });

  it('-42 call limit reached → rate-limited for the account default wait', async () => {
    const limited = cs.sectigo({ credentials: { ...SECTIGO_LOGINS.limited } });
    expectOutcome(await revoke({ orderNumber: '3023' }, limited), SUCCESS);
    expectOutcome(
      await revoke({ orderNumber: '3023' }, limited),
      error('rate-limited', '-42', 'Call limit reached, please try again later', {
        retryAfterMs: DEFAULT_WAIT_MS,
      }),
    );
  });

  it('-2 unrecognised argument (extra form field through our call helper) → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokeCertificateForm(
      account,
      revokeCertificateParamsSchema.parse({ orderNumber: '3021' }),
    );
    form.append('colour', 'blue');
    expectOutcome(
      await callSectigo(account, { path: REVOKE_CERTIFICATE_PATH, form, responseFormat: 1 }),
      error('halt', '-2', 'Unrecognised argument!'),
    );
    expect(cs.state('sectigo', '3021')).toBe('issued');
  });

  it('-3 missing orderNumber (through our call helper) → permanent', async () => {
    const account = cs.sectigo();
    const form = startSectigoForm(account, false);
    form.append('codeReason', '0');
    form.append('responseFormat', '1');
    expectOutcome(
      await callSectigo(account, { path: REVOKE_CERTIFICATE_PATH, form, responseFormat: 1 }),
      error('permanent', '-3', "The 'orderNumber' argument is missing!"),
    );
  });

  it('-17 GET (our transport) → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokeCertificateForm(
      account,
      revokeCertificateParamsSchema.parse({ orderNumber: '3021' }),
    );
    const response = await account.transport.send(formRequest(REVOKE_CERTIFICATE_PATH, form, 'GET'));
    if (response.kind !== 'response') throw new Error(`transport fault ${response.code}`);
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 1 }),
      error('halt', '-17', 'Request used GET rather than POST!'),
    );
    expect(cs.state('sectigo', '3021')).toBe('issued');
  });

  it('-1 plain HTTP: createHttpClient refuses http://; the raw -1 answer classifies halt', async () => {
    let thrown: unknown;
    try {
      createHttpClient({ baseUrl: `${cs.sandbox.httpUrl}/products/`, caFile: cs.sandbox.caFile });
    } catch (e) {
      thrown = e;
    }
    expect(isRevokerError(thrown, 'CONFIG_ERR_INVALID')).toBe(true);
    const account = cs.sectigo();
    const form = buildRevokeCertificateForm(
      account,
      revokeCertificateParamsSchema.parse({ orderNumber: '3021' }),
    );
    const response = await rawPlainPost(`${cs.sandbox.httpUrl}/products/${REVOKE_CERTIFICATE_PATH}`, form);
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 1 }),
      error('halt', '-1', 'Request was not made over https!'),
    );
    expect(cs.state('sectigo', '3021')).toBe('issued');
  });

  it('a SASP session is refused before sending (this endpoint takes a login only) → halt CA_ERR_PARAMS', async () => {
    const before = cs.sandbox.stats().totalRequests;
    const outcome = await revoke(
      { orderNumber: '3021' },
      cs.sectigo({ credentials: { saspSessionID: ACME_SASP } }),
    );
    expectOutcome(outcome, {
      class: 'halt',
      vendor: 'sectigo',
      code: 'CA_ERR_PARAMS',
      message: expect.stringContaining('saspSessionID'),
      latencyMs: 0,
    });
    expect(cs.sandbox.stats().totalRequests).toBe(before);
  });
});

describe('contract sectigo.revokeCertificate: test=Y', () => {
  it('a rehearsing account: done, the sandbox state does not change', async () => {
    const rehearsal = cs.sectigo({ rehearsal: true });
    expectOutcome(await revoke({ orderNumber: '3018', codeReason: 1 }, rehearsal), SUCCESS);
    expectOutcome(await revoke({ orderNumber: '3019', responseFormat: 0 }, rehearsal), SUCCESS);
    expectOutcome(
      await revoke({ orderNumber: '3024' }, rehearsal),
      error('transient', '-26', 'The certificate is currently being issued!'),
    );
    expect(snapshot('3018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
    expect(snapshot('3019')).toMatchObject({ state: 'pending', successfulRevokes: 0 });
    expect(snapshot('3024')).toMatchObject({ state: 'being-issued', issuingCallsLeft: 2 });
  });

  it("test 'y' in the job is sent as Y (the endpoint's flag is case-sensitive): done, nothing changes", async () => {
    expectOutcome(await revoke({ orderNumber: '3018', test: 'y' }), SUCCESS);
    expect(snapshot('3018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
  });
});

describe('contract sectigo.revokeCertificate: network faults', () => {
  it('-14 → transient, may have taken effect', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3012' }),
      error('transient', '-14', 'An unknown error occurred!', { mayHaveTakenEffect: true }),
    );
    expect(cs.state('sectigo', '3012')).toBe('issued');
  });

  it('reset → CA_ERR_RESET transient; reset after effect → the retry sees -21 alreadyRevoked', async () => {
    const reset = SECTIGO_FAULT_OUTCOMES.reset;
    expectOutcome(await revoke({ orderNumber: '3013' }), reset);
    expect(cs.state('sectigo', '3013')).toBe('issued');
    expectOutcome(await revoke({ orderNumber: '3014' }), reset);
    expect(cs.state('sectigo', '3014')).toBe('revoked');
    expectOutcome(
      await revoke({ orderNumber: '3014' }),
      error('permanent', '-21', 'The certificate has already been revoked!', {
        learned: { alreadyRevoked: true },
      }),
    );
  });

  it('garbage → CA_ERR_RESPONSE transient in either format', async () => {
    for (const responseFormat of [1, 0]) {
      expectOutcome(await revoke({ orderNumber: '3015', responseFormat }), SECTIGO_FAULT_OUTCOMES.garbage);
    }
    expect(cs.state('sectigo', '3015')).toBe('issued');
  });

  it('5xx → transient http-5xx', async () => {
    const outcome = await revoke({ orderNumber: '3016' });
    expect(outcome.httpStatus).toBeGreaterThanOrEqual(500);
    expectOutcome(outcome, SECTIGO_FAULT_OUTCOMES.serverError(outcome.httpStatus));
  });

  it('hang with a short headersTimeoutMs → CA_ERR_TIMEOUT', async () => {
    expectOutcome(
      await revoke({ orderNumber: '3017' }, cs.sectigo({ transport: cs.sectigoShortTransport })),
      SECTIGO_FAULT_OUTCOMES.timeout,
    );
  });
});
