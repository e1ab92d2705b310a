/**
 * Contract: `sectigo.revokeSSL` (our client, src/vendors/sectigo/revoke-ssl.ts) against the
 * sandbox's !AutoRevokeSSL over real HTTPS. Every code the sandbox can produce for the endpoint,
 * both response formats, the rehearsal, and the network faults, each checked as a whole Outcome
 * against the class vendor-notes.md gives the code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { createHttpClient } from '../../src/vendors/http-client.ts';
import { callSectigo, outcomeFromSectigoResponse } from '../../src/vendors/sectigo/call.ts';
import { startSectigoForm } from '../../src/vendors/sectigo/endpoint.ts';
import {
  buildRevokeSslForm,
  REVOKE_SSL_PATH,
  revokeSslOperation,
  revokeSslParamsSchema,
} from '../../src/vendors/sectigo/revoke-ssl.ts';
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
  order('1001', 'issued'),
  order('1002', 'issued'),
  order('1003', 'issued', { certificateID: '5003' }),
  order('1004', 'issued', { serialNumber: '00FEED01' }),
  order('1005', 'pending'),
  order('1006', 'rejected'),
  order('1007', 'revoked'),
  order('1008', 'revoked'),
  order('1009', 'being-issued', { issuingCalls: 2 }),
  order('1010', 'expired'),
  order('1011', 'not-revocable'),
  order('1012', 'issued', { faults: ['unknownError'] }),
  order('1013', 'issued', { faults: ['reset'] }),
  order('1014', 'issued', { faults: ['resetAfterEffect'] }),
  order('1015', 'issued', { faults: ['garbage', 'garbage'] }),
  order('1016', 'issued', { faults: ['serverError'] }),
  order('1017', 'issued', { faults: ['hang'] }),
  order('1018', 'issued'),
  order('1019', 'pending'),
  order('1020', 'issued', { account: 'other' }),
  order('1021', 'issued'),
  order('1022', 'issued'),
  order('1023', 'issued', { account: 'limited' }),
  order('1024', 'being-issued', { issuingCalls: 2 }),
  order('1025', 'issued'),
];

let cs: ContractSandbox;
const revoke = (params: Record<string, unknown>, account = cs.sectigo()) =>
  revokeSslOperation.execute(account, revokeSslOperation.params.parse(params));
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

describe('contract sectigo.revokeSSL: success in both response formats', () => {
  it('responseFormat 1 (our default): 0 → done, and the order is revoked', async () => {
    expectOutcome(await revoke({ orderNumber: '1001', revocationReason: 'key compromise' }), SUCCESS);
    expect(snapshot('1001')).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
  });

  it('responseFormat 0: 0 → done', async () => {
    expectOutcome(await revoke({ orderNumber: '1002', revocationReason: 'r', responseFormat: 0 }), SUCCESS);
    expect(cs.state('sectigo', '1002')).toBe('revoked');
  });

  it('by certificateID and by serialNumber (colon form), with codeReason', async () => {
    expectOutcome(await revoke({ certificateID: '5003', revocationReason: 'r', codeReason: 4 }), SUCCESS);
    expect(cs.state('sectigo', '1003')).toBe('revoked');
    expectOutcome(await revoke({ serialNumber: '00:fe:ed:01', revocationReason: 'r' }), SUCCESS);
    expect(cs.state('sectigo', '1004')).toBe('revoked');
  });

  it('a pending order is rejected with 0 (done); a second call is -20 permanent, alreadyRejected', async () => {
    expectOutcome(await revoke({ orderNumber: '1005', revocationReason: 'cancel' }), SUCCESS);
    expect(cs.state('sectigo', '1005')).toBe('rejected');
    expectOutcome(await revoke({ orderNumber: '1005', revocationReason: 'cancel' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-20',
      message: 'The certificate request has already been rejected!',
      httpStatus: 200,
      learned: { alreadyRejected: true },
    });
  });

  it('a SASP session instead of a login → done', async () => {
    const account = cs.sectigo({ credentials: { saspSessionID: ACME_SASP } });
    expectOutcome(await revoke({ orderNumber: '1022', revocationReason: 'r' }, account), SUCCESS);
    expect(cs.state('sectigo', '1022')).toBe('revoked');
  });
});

describe('contract sectigo.revokeSSL: every documented error code', () => {
  it('-20 already rejected (seeded) → permanent, alreadyRejected', async () => {
    expectOutcome(await revoke({ orderNumber: '1006', revocationReason: 'r' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-20',
      message: 'The certificate request has already been rejected!',
      httpStatus: 200,
      learned: { alreadyRejected: true },
    });
  });

  it('-21 already revoked, in format 1 and in format 0 → permanent, alreadyRevoked', async () => {
    const expected = {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-21',
      message: 'The certificate has already been revoked!',
      httpStatus: 200,
      learned: { alreadyRevoked: true },
    } as const;
    expectOutcome(await revoke({ orderNumber: '1007', revocationReason: 'r' }), expected);
    expectOutcome(await revoke({ orderNumber: '1008', revocationReason: 'r', responseFormat: 0 }), expected);
  });

  it('-23 being issued without revocationReason (v1.00 form), -26 with it → transient', async () => {
    const beingIssued = {
      vendor: 'sectigo' as const,
      message: 'The certificate is currently being issued!',
      httpStatus: 200,
    };
    expectOutcome(await revoke({ orderNumber: '1009' }), { ...beingIssued, class: 'transient', code: '-23' });
    expectOutcome(await revoke({ orderNumber: '1009', revocationReason: 'r' }), {
      ...beingIssued,
      class: 'transient',
      code: '-26',
    });
    // The countdown ran out: the retry the class asks for now succeeds.
    expectOutcome(await revoke({ orderNumber: '1009', revocationReason: 'r' }), SUCCESS);
  });

  it('-35 expired → permanent', async () => {
    expectOutcome(await revoke({ orderNumber: '1010', revocationReason: 'r' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-35',
      message: 'The certificate has expired and cannot be revoked!',
      httpStatus: 200,
    });
  });

  it('-43 not revocable → permanent', async () => {
    expectOutcome(await revoke({ orderNumber: '1011', revocationReason: 'r' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-43',
      message: 'Certificate is not in a revocable state.',
      httpStatus: 200,
    });
  });

  it("-4 another account's order, an unknown serial → permanent, naming the argument", async () => {
    expectOutcome(await revoke({ orderNumber: '1020', revocationReason: 'r' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-4',
      message: "The value of the 'orderNumber' argument is invalid!",
      httpStatus: 200,
    });
    expect(cs.state('sectigo', '1020')).toBe('issued');
    expectOutcome(await revoke({ serialNumber: 'ABCDEF', revocationReason: 'r', responseFormat: 0 }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-4',
      message: "The value of the 'serialNumber' argument is invalid!",
      httpStatus: 200,
    });
  });

  it('-16 wrong password and unknown SASP session → halt; the password never reaches the outcome', async () => {
    const wrong = cs.sectigo({ credentials: { loginName: 'acme', loginPassword: 'not-the-password' } });
    const outcome = await revoke({ orderNumber: '1021', revocationReason: 'r' }, wrong);
    expectOutcome(outcome, {
      class: 'halt',
      vendor: 'sectigo',
      code: '-16',
      message: 'Permission denied!',
      httpStatus: 200,
      learned: { mayConcernOnlyThisTarget: true },
    });
    expect(JSON.stringify(outcome)).not.toContain('not-the-password');
    const badSession = cs.sectigo({ credentials: { saspSessionID: 'SASPNOSUCH01' } });
    expectOutcome(await revoke({ orderNumber: '1021', responseFormat: 0 }, badSession), {
      class: 'halt',
      vendor: 'sectigo',
      code: '-16',
      message: 'Permission denied!',
      httpStatus: 200,
      learned: { mayConcernOnlyThisTarget: true },
    });
    expect(cs.state('sectigo', '1021')).toBe('issued');
  });

  it('-42 call limit reached → rate-limited for the account default wait', async () => {
    const limited = cs.sectigo({ credentials: { ...SECTIGO_LOGINS.limited } });
    expectOutcome(await revoke({ orderNumber: '1023', revocationReason: 'r' }, limited), SUCCESS);
    expectOutcome(await revoke({ orderNumber: '1023', revocationReason: 'r' }, limited), {
      class: 'rate-limited',
      vendor: 'sectigo',
      code: '-42',
      message: 'Call limit reached, please try again later',
      httpStatus: 200,
      retryAfterMs: DEFAULT_WAIT_MS,
    });
  });

  it('-2 unrecognised argument (an extra form field through our call helper) → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokeSslForm(
      account,
      revokeSslParamsSchema.parse({ orderNumber: '1021', revocationReason: 'r' }),
    );
    form.append('colour', 'blue');
    expectOutcome(await callSectigo(account, { path: REVOKE_SSL_PATH, form, responseFormat: 1 }), {
      class: 'halt',
      vendor: 'sectigo',
      code: '-2',
      message: 'Unrecognised argument!',
      httpStatus: 200,
    });
    expect(cs.state('sectigo', '1021')).toBe('issued');
  });

  it('-3 missing argument (no target, through our call helper) → permanent', async () => {
    const account = cs.sectigo();
    const form = startSectigoForm(account, true);
    form.append('revocationReason', 'r');
    form.append('responseFormat', '1');
    expectOutcome(await callSectigo(account, { path: REVOKE_SSL_PATH, form, responseFormat: 1 }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-3',
      message: "The 'orderNumber' argument is missing!",
      httpStatus: 200,
    });
  });

  it('-17 GET rather than POST (our transport, method GET) → halt', async () => {
    const account = cs.sectigo();
    const form = buildRevokeSslForm(account, revokeSslParamsSchema.parse({ orderNumber: '1021' }));
    const response = await account.transport.send(formRequest(REVOKE_SSL_PATH, form, 'GET'));
    expect(response.kind).toBe('response');
    if (response.kind !== 'response') return;
    expectOutcome(outcomeFromSectigoResponse(account, response, { responseFormat: 1 }), {
      class: 'halt',
      vendor: 'sectigo',
      code: '-17',
      message: 'Request used GET rather than POST!',
      httpStatus: 200,
    });
    expect(cs.state('sectigo', '1021')).toBe('issued');
  });

  it('-1 plain HTTP: our client refuses an http:// base URL; the sandbox answers -1, which we classify halt', () => {
    const httpBase = `${cs.sandbox.httpUrl}/products/`;
    let thrown: unknown;
    try {
      createHttpClient({ baseUrl: httpBase, caFile: cs.sandbox.caFile });
    } catch (error) {
      thrown = error;
    }
    expect(isRevokerError(thrown, 'CONFIG_ERR_INVALID')).toBe(true);
    expect((thrown as Error).message).toMatch(/https/);
  });

  it('-1 plain HTTP: the raw answer to our form parses to -1 halt, and nothing changed', async () => {
    const account = cs.sectigo();
    const form = buildRevokeSslForm(
      account,
      revokeSslParamsSchema.parse({ orderNumber: '1021', revocationReason: 'r' }),
    );
    const response = await rawPlainPost(`${cs.sandbox.httpUrl}/products/${REVOKE_SSL_PATH}`, form);
    expect(response.body).toBe('errorCode=-1&errorMessage=Request+was+not+made+over+https%21');
    expectOutcome(outcomeFromSectigoResponse(account, response, { responseFormat: 1 }), {
      class: 'halt',
      vendor: 'sectigo',
      code: '-1',
      message: 'Request was not made over https!',
      httpStatus: 200,
    });
    expect(cs.state('sectigo', '1021')).toBe('issued');
  });
});

describe('contract sectigo.revokeSSL: test=Y', () => {
  it('a rehearsing account: done, and the sandbox state does not change', async () => {
    const rehearsal = cs.sectigo({ rehearsal: true });
    expectOutcome(await revoke({ orderNumber: '1018', revocationReason: 'r' }, rehearsal), SUCCESS);
    expectOutcome(await revoke({ orderNumber: '1019', revocationReason: 'r' }, rehearsal), SUCCESS);
    expect(snapshot('1018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
    expect(snapshot('1019')).toMatchObject({ state: 'pending', successfulRevokes: 0 });
    // A rehearsal answers as the real call would (-26), and the countdown does not move.
    expectOutcome(await revoke({ orderNumber: '1024', revocationReason: 'r' }, rehearsal), {
      class: 'transient',
      vendor: 'sectigo',
      code: '-26',
      message: 'The certificate is currently being issued!',
      httpStatus: 200,
    });
    expect(snapshot('1024')).toMatchObject({ state: 'being-issued', issuingCallsLeft: 2 });
  });

  it('test=Y in the job: done, nothing changes', async () => {
    expectOutcome(
      await revoke({ orderNumber: '1018', revocationReason: 'r', test: 'Y', responseFormat: 0 }),
      SUCCESS,
    );
    expect(snapshot('1018')).toMatchObject({ state: 'issued', successfulRevokes: 0 });
  });
});

describe('contract sectigo.revokeSSL: network faults', () => {
  it('-14 unknown error → transient, may have taken effect', async () => {
    expectOutcome(await revoke({ orderNumber: '1012', revocationReason: 'r' }), {
      class: 'transient',
      vendor: 'sectigo',
      code: '-14',
      message: 'An unknown error occurred!',
      httpStatus: 200,
      mayHaveTakenEffect: true,
    });
    expect(cs.state('sectigo', '1012')).toBe('issued');
    expectOutcome(await revoke({ orderNumber: '1012', revocationReason: 'r' }), SUCCESS);
  });

  it('reset → CA_ERR_RESET transient, may have taken effect', async () => {
    expectOutcome(await revoke({ orderNumber: '1013', revocationReason: 'r' }), SECTIGO_FAULT_OUTCOMES.reset);
    expect(cs.state('sectigo', '1013')).toBe('issued');
  });

  it('reset after the effect → CA_ERR_RESET; the retry sees -21 alreadyRevoked (the ambiguity rule)', async () => {
    expectOutcome(await revoke({ orderNumber: '1014', revocationReason: 'r' }), SECTIGO_FAULT_OUTCOMES.reset);
    expect(cs.state('sectigo', '1014')).toBe('revoked');
    expectOutcome(await revoke({ orderNumber: '1014', revocationReason: 'r' }), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-21',
      message: 'The certificate has already been revoked!',
      httpStatus: 200,
      learned: { alreadyRevoked: true },
    });
  });

  it('garbage (HTTP 200, no readable code), in either format → CA_ERR_RESPONSE transient, never done', async () => {
    for (const responseFormat of [1, 0]) {
      expectOutcome(
        await revoke({ orderNumber: '1015', revocationReason: 'r', responseFormat }),
        SECTIGO_FAULT_OUTCOMES.garbage,
      );
    }
    expect(cs.state('sectigo', '1015')).toBe('issued');
  });

  it('5xx HTML page → transient http-5xx, may have taken effect, excerpt kept', async () => {
    const outcome = await revoke({ orderNumber: '1016', revocationReason: 'r' });
    expect(outcome.httpStatus).toBeGreaterThanOrEqual(500);
    expectOutcome(outcome, {
      class: 'transient',
      vendor: 'sectigo',
      code: `http-${outcome.httpStatus}`,
      message: `HTTP ${outcome.httpStatus} with no readable Sectigo code: an HTML or XML page, not a Sectigo answer`,
      httpStatus: outcome.httpStatus,
      mayHaveTakenEffect: true,
      rawExcerpt: expect.stringContaining('<html>'),
    });
    expect(cs.state('sectigo', '1016')).toBe('issued');
  });

  it('hang with a short headersTimeoutMs → CA_ERR_TIMEOUT transient, may have taken effect', async () => {
    const account = cs.sectigo({ transport: cs.sectigoShortTransport });
    expectOutcome(
      await revoke({ orderNumber: '1017', revocationReason: 'r' }, account),
      SECTIGO_FAULT_OUTCOMES.timeout,
    );
  });
});
