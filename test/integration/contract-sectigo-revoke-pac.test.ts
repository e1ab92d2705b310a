/**
 * Contract: `sectigo.revokePAC` (our client, src/vendors/sectigo/revoke-pac.ts) against the
 * sandbox's !AutoRevokePAC over real HTTPS. The endpoint answers in lines only (no
 * responseFormat), with its own capitalised messages for -20, -21 and -26.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { createHttpClient } from '../../src/vendors/http-client.ts';
import { callSectigo, outcomeFromSectigoResponse } from '../../src/vendors/sectigo/call.ts';
import { startSectigoForm } from '../../src/vendors/sectigo/endpoint.ts';
import {
  buildRevokePacForm,
  REVOKE_PAC_PATH,
  revokePacOperation,
  revokePacParamsSchema,
} from '../../src/vendors/sectigo/revoke-pac.ts';
import {
  ACME_SASP,
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
  sectigoOrder(n, state, { product: 'pac', ...extra });

const ORDERS = [
  order('4001', 'issued'),
  order('4002', 'issued'),
  order('4005', 'pending'),
  order('4006', 'rejected'),
  order('4007', 'revoked'),
  order('4009', 'being-issued', { issuingCalls: 1 }),
  order('4010', 'expired'),
  order('4011', 'not-revocable'),
  order('4012', 'issued', { faults: ['unknownError'] }),
  order('4013', 'issued', { faults: ['reset'] }),
  order('4014', 'issued', { faults: ['resetAfterEffect'] }),
  order('4015', 'issued', { faults: ['garbage'] }),
  order('4016', 'issued', { faults: ['serverError'] }),
  order('4017', 'issued', { faults: ['hang'] }),
  order('4018', 'issued'),
  order('4019', 'pending'),
  order('4020', 'issued', { account: 'other' }),
  order('4021', 'issued'),
  order('4023', 'issued', { account: 'limited' }),
  order('4024', 'being-issued', { issuingCalls: 2 }),
];

let cs: ContractSandbox;
const revoke = (params: Record<string, unknown>, account = cs.sectigo()) =>
  revokePacOperation.execute(
    account,
    revokePacOperation.params.parse({ revocationReason: 'PAC no longer needed', ...params }),
  );
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

describe('contract sectigo.revokePAC: success (lines, the only format)', () => {
  it('0 → done; the order is revoked', async () => {
    expectOutcome(await revoke({ orderNumber: '4001' }), SUCCESS);
    expect(snapshot('4001')).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
  });

  it('with codeReason and accountID → done', async () => {
    expectOutcome(await revoke({ orderNumber: '4002', codeReason: 5, accountID: 42 }), SUCCESS);
    expect(cs.state('sectigo', '4002')).toBe('revoked');
  });

  it('a pending order is rejected with 0; again → -20 (capitalised) permanent, alreadyRejected', async () => {
    expectOutcome(await revoke({ orderNumber: '4005' }), SUCCESS);
    expect(cs.state('sectigo', '4005')).toBe('rejected');
    expectOutcome(
      await revoke({ orderNumber: '4005' }),
      error('permanent', '-20', 'The certificate request has already been Rejected!', {
        learned: { alreadyRejected: true },
      }),
    );
  });
});

describe('contract sectigo.revokePAC: every documented error code', () => {
  it('-20 seeded rejected → permanent', async () => {
    expectOutcome(
      await revoke({ orderNumber: '4006' }),
      error('permanent', '-20', 'The certificate request has already been Rejected!', {
        learned: { alreadyRejected: true },
      }),
    );
  });

  it('-21 → permanent, alreadyRevoked', async () => {
    expectOutcome(
      await revoke({ orderNumber: '4007' }),
      error('permanent', '-21', 'The certificate has already been Revoked!', {
        learned: { alreadyRevoked: true },
      }),
    );
  });

  it('-26 being issued → transient; then done', async () => {
    expectOutcome(
      await revoke({ orderNumber: '4009' }),
      error('transient', '-26', 'The certificate is currently being Issued!'),
    );
    expectOutcome(await revoke({ orderNumber: '4009' }), SUCCESS);
  });

  it('-43 not revocable, and expired (this endpoint has no -35) → permanent', async () => {
    const expected = error('permanent', '-43', 'Certificate is not in a revocable state.');
    expectOutcome(await revoke({ orderNumber: '4011' }), expected);
    expectOutcome(await revoke({ orderNumber: '4010' }), expected);
  });

  it("-4 another account's order and an unknown one → permanent", async () => {
    const expected = error('permanent', '-4', "The value of the 'orderNumber' argument is invalid!");
    expectOutcome(await revoke({ orderNumber: '4020' }), expected);
    expectOutcome(await revoke({ orderNumber: '999999' }), expected);
    expect(cs.state('sectigo', '4020')).toBe('issued');
  });

  it('-16 wrong password → halt', async () => {
    const wrong = cs.sectigo({ credentials: { loginName: 'acme', loginPassword: 'not-the-password' } });
    const outcome = await revoke({ orderNumber: '4021' }, wrong);
    expectOutcome(
      outcome,
      error('halt', '-16', 'Permission denied!', { learned: { mayConcernOnlyThisTarget: true } }),
    );
    expect(JSON.stringify(outcome)).not.toContain('not-the-password');
  });

  it('-42 → rate-limited for the account default wait', async () => {
    const limited = cs.sectigo({ credentials: { ...SECTIGO_LOGINS.limited } });
    expectOutcome(await revoke({ orderNumber: '4023' }, limited), SUCCESS);
    expectOutcome(
      await revoke({ orderNumber: '4023' }, limited),
      error('rate-limited', '-42', 'Call limit reached, please try again later', {
        retryAfterMs: DEFAULT_WAIT_MS,
      }),
    );
  });

  it('-2: a responseFormat field (which this endpoint does not take) through our call helper → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokePacForm(
      account,
      revokePacParamsSchema.parse({ orderNumber: '4021', revocationReason: 'r' }),
    );
    form.append('responseFormat', '1');
    expectOutcome(
      await callSectigo(account, { path: REVOKE_PAC_PATH, form, responseFormat: 0 }),
      error('halt', '-2', 'Unrecognised argument!'),
    );
    expect(cs.state('sectigo', '4021')).toBe('issued');
  });

  it('-3 missing revocationReason (through our call helper) → permanent', async () => {
    const account = cs.sectigo();
    const form = startSectigoForm(account, false);
    form.append('orderNumber', '4021');
    form.append('codeReason', '0');
    expectOutcome(
      await callSectigo(account, { path: REVOKE_PAC_PATH, form, responseFormat: 0 }),
      error('permanent', '-3', "The 'revocationReason' argument is missing!"),
    );
  });

  it('-17 GET (our transport) → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokePacForm(
      account,
      revokePacParamsSchema.parse({ orderNumber: '4021', revocationReason: 'r' }),
    );
    const response = await account.transport.send(formRequest(REVOKE_PAC_PATH, form, 'GET'));
    if (response.kind !== 'response') throw new Error(`transport fault ${response.code}`);
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 0 }),
      error('halt', '-17', 'Request used GET rather than POST!'),
    );
  });

  it('-1 plain HTTP: createHttpClient refuses http://; the raw -1 (lines) classifies halt', async () => {
    let thrown: unknown;
    try {
      createHttpClient({ baseUrl: `${cs.sandbox.httpUrl}/products/`, caFile: cs.sandbox.caFile });
    } catch (e) {
      thrown = e;
    }
    expect(isRevokerError(thrown, 'CONFIG_ERR_INVALID')).toBe(true);
    const account = cs.sectigo();
    const form = buildRevokePacForm(
      account,
      revokePacParamsSchema.parse({ orderNumber: '4021', revocationReason: 'r' }),
    );
    const response = await rawPlainPost(`${cs.sandbox.httpUrl}/products/${REVOKE_PAC_PATH}`, form);
    expect(response.body).toBe('-1\nRequest was not made over https!\n');
    expectOutcome(
      outcomeFromSectigoResponse(account, response, { responseFormat: 0 }),
      error('halt', '-1', 'Request was not made over https!'),
    );
    expect(cs.state('sectigo', '4021')).toBe('issued');
  });

  it('a SASP session is refused before sending → halt CA_ERR_PARAMS', async () => {
    const before = cs.sandbox.stats().totalRequests;
    expectOutcome(
      await revoke({ orderNumber: '4021' }, cs.sectigo({ credentials: { saspSessionID: ACME_SASP } })),
      {
        class: 'halt',
        vendor: 'sectigo',
        code: 'CA_ERR_PARAMS',
        message: expect.stringContaining('saspSessionID'),
        latencyMs: 0,
      },
    );
    expect(cs.sandbox.stats().totalRequests).toBe(before);
  });
});

describe('contract sectigo.revokePAC: test=Y', () => {
  it('a rehearsing account: done, the sandbox state does not change', async () => {
    const rehearsal = cs.sectigo({ rehearsal: true });
    expectOutcome(await revoke({ orderNumber: '4018' }, rehearsal), SUCCESS);
    expectOutcome(await revoke({ orderNumber: '4019' }, rehearsal), SUCCESS);
    expectOutcome(
      await revoke({ orderNumber: '4024' }, rehearsal),
      error('transient', '-26', 'The certificate is currently being Issued!'),
    );
    expect(snapshot('4018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
    expect(snapshot('4019')).toMatchObject({ state: 'pending', successfulRevokes: 0 });
    expect(snapshot('4024')).toMatchObject({ state: 'being-issued', issuingCallsLeft: 2 });
  });

  it('test=Y in the job: done, nothing changes', async () => {
    expectOutcome(await revoke({ orderNumber: '4018', test: true }), SUCCESS);
    expect(snapshot('4018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
  });
});

describe('contract sectigo.revokePAC: network faults', () => {
  it('-14 → transient, may have taken effect', async () => {
    expectOutcome(
      await revoke({ orderNumber: '4012' }),
      error('transient', '-14', 'An unknown error occurred!', { mayHaveTakenEffect: true }),
    );
  });

  it('reset → CA_ERR_RESET; reset after effect → the retry sees -21 alreadyRevoked', async () => {
    const reset = SECTIGO_FAULT_OUTCOMES.reset;
    expectOutcome(await revoke({ orderNumber: '4013' }), reset);
    expect(cs.state('sectigo', '4013')).toBe('issued');
    expectOutcome(await revoke({ orderNumber: '4014' }), reset);
    expect(cs.state('sectigo', '4014')).toBe('revoked');
    expectOutcome(
      await revoke({ orderNumber: '4014' }),
      error('permanent', '-21', 'The certificate has already been Revoked!', {
        learned: { alreadyRevoked: true },
      }),
    );
  });

  it('garbage → CA_ERR_RESPONSE transient', async () => {
    expectOutcome(await revoke({ orderNumber: '4015' }), SECTIGO_FAULT_OUTCOMES.garbage);
    expect(cs.state('sectigo', '4015')).toBe('issued');
  });

  it('5xx → transient http-5xx', async () => {
    const outcome = await revoke({ orderNumber: '4016' });
    expect(outcome.httpStatus).toBeGreaterThanOrEqual(500);
    expectOutcome(outcome, SECTIGO_FAULT_OUTCOMES.serverError(outcome.httpStatus));
  });

  it('hang with a short headersTimeoutMs → CA_ERR_TIMEOUT', async () => {
    expectOutcome(
      await revoke({ orderNumber: '4017' }, cs.sectigo({ transport: cs.sectigoShortTransport })),
      SECTIGO_FAULT_OUTCOMES.timeout,
    );
  });
});
