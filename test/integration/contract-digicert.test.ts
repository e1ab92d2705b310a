/**
 * Contract: `digicert.revokeOrder`, getRequest and approveRequest (our client,
 * src/vendors/digicert/) against the sandbox's CertCentral routes over real HTTPS: 201 pending,
 * skip_approval, the approve flow, every error the sandbox produces for them, 429 with and
 * without Retry-After, network faults, and plain HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { classifyDigicertError } from '../../src/vendors/digicert/errors.ts';
import { approveRequest, getRequest } from '../../src/vendors/digicert/request.ts';
import { revokeOrderOperation } from '../../src/vendors/digicert/revoke-order.ts';
import { createHttpClient } from '../../src/vendors/http-client.ts';
import type { DigicertAccount } from '../../src/vendors/operation.ts';
import {
  type ContractSandbox,
  DEFAULT_WAIT_MS,
  DIGICERT_KEYS,
  expectOutcome,
  digicertOrder as order,
  rawPlainPut,
  startContractSandbox,
} from '../support/contract-sandbox.ts';

const ORDERS = [
  order('6001', 'issued'),
  order('6002', 'issued'),
  order('6003', 'issued'),
  order('6004', 'issued', { account: 'dc-user' }),
  order('6005', 'revoked'),
  order('6006', 'expired'),
  order('6007', 'issued', { account: 'dc-user' }),
  order('6008', 'issued'),
  order('6009', 'issued'),
  order('6010', 'issued', { faults: ['unknownError'] }),
  order('6011', 'issued', { faults: ['serverError'] }),
  order('6012', 'issued', { faults: ['garbage'] }),
  order('6013', 'issued', { faults: ['reset'] }),
  order('6014', 'issued', { faults: ['resetAfterEffect'] }),
  order('6015', 'issued', { faults: ['resetAfterEffect'] }),
  order('6016', 'issued', { faults: ['hang'] }),
  order('6017', 'not-revocable'),
  order('6020', 'issued', { account: 'dc-limited' }),
  order('6021', 'issued', { account: 'dc-limited-seconds' }),
  order('6022', 'issued', { account: 'dc-limited-window' }),
];

let cs: ContractSandbox;
const revoke = (params: Record<string, unknown>, account: DigicertAccount = cs.digicert()) =>
  revokeOrderOperation.execute(
    account,
    revokeOrderOperation.params.parse({ comments: 'key compromise', ...params }),
  );
const snapshot = (n: string) => cs.sandbox.controls.order('digicert', n);
/** The id of the order's latest revoke request in the sandbox. */
const requestIdOf = (n: string) => String(snapshot(n)?.requests.at(-1)?.id);

beforeAll(async () => {
  cs = await startContractSandbox(ORDERS, { httpPort: 0 });
});
afterAll(async () => {
  await cs?.close();
});

const pending = (orderId: string, requestId: string) => ({
  class: 'done' as const,
  vendor: 'digicert' as const,
  code: '201',
  message: `order ${orderId}: revoke request ${requestId} is pending`,
  httpStatus: 201,
  learned: { requestId, requestStatus: 'pending' },
});
const failure = (
  cls: string,
  status: number,
  code: string,
  text: string,
  extra: Record<string, unknown> = {},
) => ({
  class: cls as 'permanent',
  vendor: 'digicert' as const,
  code,
  message: `DigiCert answered HTTP ${status} (${code}: ${text})`,
  httpStatus: status,
  ...extra,
});

describe('contract digicert.revokeOrder: success', () => {
  it('201 pending → done with learned.requestId and requestStatus; the order stays issued', async () => {
    const outcome = await revoke({ order_id: 6001 });
    const id = requestIdOf('6001');
    expectOutcome(outcome, pending('6001', id));
    expect(snapshot('6001')).toMatchObject({
      state: 'issued',
      requests: [{ status: 'pending', comments: 'key compromise' }],
    });
  });

  it('a second revoke while the request is pending answers the same request', async () => {
    const id = requestIdOf('6001');
    expectOutcome(await revoke({ order_id: '6001', comments: 'again' }), pending('6001', id));
    expect(snapshot('6001')?.requests).toHaveLength(1);
  });

  it('getRequest → pending; approveRequest → approved; the order is revoked; getRequest → approved', async () => {
    const account = cs.digicert();
    const id = requestIdOf('6001');
    expectOutcome(await getRequest(account, id), {
      class: 'done',
      vendor: 'digicert',
      code: '200',
      message: `request ${id} is pending`,
      httpStatus: 200,
      learned: { requestId: id, requestStatus: 'pending' },
    });
    expectOutcome(await approveRequest(account, id, 'approved by revoker'), {
      class: 'done',
      vendor: 'digicert',
      code: '204',
      message: `request ${id} approved`,
      httpStatus: 204,
      learned: { requestId: id, requestStatus: 'approved' },
    });
    expect(snapshot('6001')).toMatchObject({
      state: 'revoked',
      successfulRevokes: 1,
      requests: [{ status: 'approved', processorComment: 'approved by revoker' }],
    });
    expectOutcome(await getRequest(account, id), {
      class: 'done',
      vendor: 'digicert',
      code: '200',
      message: `request ${id} is approved`,
      httpStatus: 200,
      learned: { requestId: id, requestStatus: 'approved' },
    });
    // Approving twice: the request is no longer pending.
    expectOutcome(
      await approveRequest(account, id, ''),
      failure('permanent', 400, 'invalid_request_status|approved', 'The request has already been approved.'),
    );
  });

  it('revocation_reason is sent and kept on the request', async () => {
    const outcome = await revoke({ order_id: 6008, revocation_reason: 'key_compromise' });
    expectOutcome(outcome, pending('6008', requestIdOf('6008')));
    expect(snapshot('6008')?.requests[0]).toMatchObject({ revocationReason: 'key_compromise' });
  });

  it('skip_approval from the account (admin key): done at once (204, no request), the order is revoked', async () => {
    expectOutcome(await revoke({ order_id: 6002 }, cs.digicert({ skipApproval: true })), {
      class: 'done',
      vendor: 'digicert',
      code: '204',
      message: 'order 6002 revoked (no approval request)',
      httpStatus: 204,
    });
    expect(snapshot('6002')).toMatchObject({ state: 'revoked', successfulRevokes: 1, requests: [] });
  });

  it('skip_approval from the job overrides the account', async () => {
    expectOutcome(await revoke({ order_id: 6003, skip_approval: 'Y' }), {
      class: 'done',
      vendor: 'digicert',
      code: '204',
      message: 'order 6003 revoked (no approval request)',
      httpStatus: 204,
    });
    expect(cs.state('digicert', '6003')).toBe('revoked');
  });
});

describe('contract digicert.revokeOrder: errors', () => {
  it('non-admin key with skip_approval → 403 access_denied permanent; without it → 201; approving with it → 403', async () => {
    const user = cs.digicert({ apiKey: DIGICERT_KEYS.user });
    expectOutcome(
      await revoke({ order_id: 6004, skip_approval: true }, user),
      failure('permanent', 403, 'access_denied', 'You do not have permission to skip the approval step.'),
    );
    expect(cs.state('digicert', '6004')).toBe('issued');
    const filed = await revoke({ order_id: 6004 }, user);
    const id = requestIdOf('6004');
    expectOutcome(filed, pending('6004', id));
    expectOutcome(
      await approveRequest(user, id, 'me'),
      failure(
        'permanent',
        403,
        'access_denied',
        'You do not have permission to update the status of this request.',
      ),
    );
    expect(cs.state('digicert', '6004')).toBe('issued');
  });

  it('a wrong API key → 401 invalid_api_key halt, the key never echoed; no key → 401 missing_api_key halt', async () => {
    const outcome = await revoke({ order_id: 6009 }, cs.digicert({ apiKey: 'wrong-key-123456' }));
    expectOutcome(outcome, failure('halt', 401, 'invalid_api_key', 'The API key provided is invalid.'));
    expect(JSON.stringify(outcome)).not.toContain('wrong-key-123456');
    expectOutcome(
      await revoke({ order_id: 6009 }, cs.digicert({ apiKey: '' })),
      failure('halt', 401, 'missing_api_key', 'An API key is required in the X-DC-DEVKEY header.'),
    );
    expect(cs.state('digicert', '6009')).toBe('issued');
  });

  it("an unknown order and another account's order → 404 not_found|order permanent", async () => {
    const expected = failure('permanent', 404, 'not_found|order', 'Order not found.');
    expectOutcome(await revoke({ order_id: 999_999 }), expected);
    expectOutcome(await revoke({ order_id: 6007 }), expected);
    expect(cs.state('digicert', '6007')).toBe('issued');
  });

  it('an unknown request id → 404 not_found|request permanent', async () => {
    expectOutcome(
      await getRequest(cs.digicert(), '987654'),
      failure('permanent', 404, 'not_found|request', 'Request not found.'),
    );
  });

  it('already revoked → 400 already_revoked permanent, learned.alreadyRevoked', async () => {
    expectOutcome(
      await revoke({ order_id: 6005 }),
      failure(
        'permanent',
        400,
        'already_revoked',
        'The certificates on this order have already been revoked.',
        {
          learned: { alreadyRevoked: true },
        },
      ),
    );
  });

  it('an expired or not-revocable order → 400 invalid_order_status|… permanent', async () => {
    expectOutcome(
      await revoke({ order_id: 6006 }),
      failure(
        'permanent',
        400,
        'invalid_order_status|expired',
        'The order status (expired) does not allow this action.',
      ),
    );
    expectOutcome(
      await revoke({ order_id: 6017 }),
      failure(
        'permanent',
        400,
        'invalid_order_status|not_revocable',
        'The order status (not-revocable) does not allow this action.',
      ),
    );
  });

  it('429 without Retry-After → rate-limited for the account default wait', async () => {
    const limited = cs.digicert({ apiKey: DIGICERT_KEYS.limitedNoHeader });
    expectOutcome(await revoke({ order_id: 6020 }, limited), pending('6020', requestIdOf('6020')));
    expectOutcome(
      await revoke({ order_id: 6020 }, limited),
      failure(
        'rate-limited',
        429,
        'request_limit_exceeded',
        'Request limit exceeded. Please wait before making more requests.',
        { retryAfterMs: DEFAULT_WAIT_MS },
      ),
    );
  });

  it('429 with Retry-After: 7 → rate-limited for 7000 ms', async () => {
    const limited = cs.digicert({ apiKey: DIGICERT_KEYS.limitedSeconds });
    expect((await revoke({ order_id: 6021 }, limited)).class).toBe('done');
    expectOutcome(
      await revoke({ order_id: 6021 }, limited),
      failure(
        'rate-limited',
        429,
        'request_limit_exceeded',
        'Request limit exceeded. Please wait before making more requests.',
        { retryAfterMs: 7000 },
      ),
    );
  });

  it('429 with Retry-After until the window has room → rate-limited for that long', async () => {
    const limited = cs.digicert({ apiKey: DIGICERT_KEYS.limitedWindow });
    expect((await revoke({ order_id: 6022 }, limited)).class).toBe('done');
    const outcome = await revoke({ order_id: 6022 }, limited);
    expectOutcome(
      outcome,
      failure(
        'rate-limited',
        429,
        'request_limit_exceeded',
        'Request limit exceeded. Please wait before making more requests.',
        { retryAfterMs: expect.any(Number) },
      ),
    );
    expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(59_000);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('plain HTTP: createHttpClient refuses http://; the raw answer (301 to https) classifies halt', async () => {
    let thrown: unknown;
    try {
      createHttpClient({ baseUrl: `${cs.sandbox.httpUrl}/services/v2`, caFile: cs.sandbox.caFile });
    } catch (e) {
      thrown = e;
    }
    expect(isRevokerError(thrown, 'CONFIG_ERR_INVALID')).toBe(true);
    const response = await rawPlainPut(
      `${cs.sandbox.httpUrl}/services/v2/order/certificate/6009/revoke`,
      { 'content-type': 'application/json', 'x-dc-devkey': DIGICERT_KEYS.admin },
      JSON.stringify({ comments: 'c' }),
    );
    expect(response.status).toBe(301);
    expectOutcome(classifyDigicertError(response, cs.digicert()), {
      class: 'halt',
      vendor: 'digicert',
      code: 'http-301',
      message: 'DigiCert answered HTTP 301',
      httpStatus: 301,
    });
    expect(cs.state('digicert', '6009')).toBe('issued');
  });
});

describe('contract digicert.revokeOrder: network faults', () => {
  it('500 internal_error (JSON) → transient, may have taken effect', async () => {
    expectOutcome(
      await revoke({ order_id: 6010 }),
      failure('transient', 500, 'internal_error', 'An unexpected error occurred.', {
        mayHaveTakenEffect: true,
        rawExcerpt: '{"errors":[{"code":"internal_error","message":"An unexpected error occurred."}]}',
      }),
    );
    expect(snapshot('6010')).toMatchObject({ state: 'issued', requests: [] });
  });

  it('5xx HTML page → transient CA_ERR_RESPONSE, may have taken effect', async () => {
    const outcome = await revoke({ order_id: 6011 });
    expect(outcome.httpStatus).toBeGreaterThanOrEqual(500);
    expectOutcome(outcome, {
      class: 'transient',
      vendor: 'digicert',
      code: 'CA_ERR_RESPONSE',
      message: `unreadable answer (HTTP ${outcome.httpStatus}): not a DigiCert errors list`,
      httpStatus: outcome.httpStatus,
      mayHaveTakenEffect: true,
      rawExcerpt: expect.stringContaining('<html>'),
    });
  });

  it('garbage (HTTP 200) → an unconfirmed yes (the queue reads the order), never a revoke by itself', async () => {
    expectOutcome(await revoke({ order_id: 6012 }), {
      class: 'done',
      vendor: 'digicert',
      code: '200',
      message: 'order 6012: DigiCert answered HTTP 200 without a revoke request we can read',
      httpStatus: 200,
      learned: { unconfirmed: true },
      rawExcerpt: expect.any(String),
    });
  });

  it('reset → CA_ERR_RESET transient, may have taken effect', async () => {
    expectOutcome(await revoke({ order_id: 6013 }), {
      class: 'transient',
      vendor: 'digicert',
      code: 'CA_ERR_RESET',
      message: expect.any(String),
      mayHaveTakenEffect: true,
    });
    expect(snapshot('6013')).toMatchObject({ state: 'issued', requests: [] });
  });

  it('reset after the request was filed → CA_ERR_RESET; the retry answers the same pending request', async () => {
    expectOutcome(await revoke({ order_id: 6014 }), {
      class: 'transient',
      vendor: 'digicert',
      code: 'CA_ERR_RESET',
      message: expect.any(String),
      mayHaveTakenEffect: true,
    });
    const id = requestIdOf('6014');
    expect(id).toMatch(/^\d+$/);
    expectOutcome(await revoke({ order_id: 6014 }), pending('6014', id));
    expect(snapshot('6014')?.requests).toHaveLength(1);
  });

  it('reset after a skip_approval revoke → CA_ERR_RESET; the retry sees already_revoked (the ambiguity rule)', async () => {
    const skip = cs.digicert({ skipApproval: true });
    expectOutcome(await revoke({ order_id: 6015 }, skip), {
      class: 'transient',
      vendor: 'digicert',
      code: 'CA_ERR_RESET',
      message: expect.any(String),
      mayHaveTakenEffect: true,
    });
    expect(cs.state('digicert', '6015')).toBe('revoked');
    expectOutcome(
      await revoke({ order_id: 6015 }, skip),
      failure(
        'permanent',
        400,
        'already_revoked',
        'The certificates on this order have already been revoked.',
        {
          learned: { alreadyRevoked: true },
        },
      ),
    );
  });

  it('hang with a short headersTimeoutMs → CA_ERR_TIMEOUT', async () => {
    expectOutcome(await revoke({ order_id: 6016 }, cs.digicert({ transport: cs.digicertShortTransport })), {
      class: 'transient',
      vendor: 'digicert',
      code: 'CA_ERR_TIMEOUT',
      message: expect.stringMatching(/timeout/i),
      mayHaveTakenEffect: true,
    });
  });
});
