import { describe, expect, it } from 'vitest';
import { digicertOperations } from '../../../src/vendors/digicert/operations.ts';
import { createReasonSpellingMemo } from '../../../src/vendors/digicert/revocation-reason.ts';
import {
  buildRevokeOrderBody,
  COMMENTS_MAX_CHARS,
  revokeOrderOperation,
  revokeOrderParams,
} from '../../../src/vendors/digicert/revoke-order.ts';
import { API_KEY, account, errorsBody, fakeTransport, fault, response } from './fake-transport.ts';

function issues(input: unknown): string[] {
  const result = revokeOrderParams.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((i) => i.message);
}

describe('revokeOrderParams', () => {
  it('normalises a digit string order_id (CSV) to a number and trims comments', () => {
    expect(revokeOrderParams.parse({ order_id: ' 123 ', comments: '  key leaked  ' })).toEqual({
      order_id: 123,
      comments: 'key leaked',
    });
    expect(revokeOrderParams.parse({ order_id: 123, comments: 'x' }).order_id).toBe(123);
  });

  it('parses its own output to the same value (the worker validates job data again)', () => {
    const once = revokeOrderParams.parse({
      order_id: '7',
      comments: 'c',
      revocation_reason: 'key_compromise',
      skip_approval: 'Y',
    });
    expect(revokeOrderParams.parse(once)).toEqual(once);
  });

  it.each([0, -1, 1.5, '1.5', '-3', '1e3', '0x10', '', 'abc', Number.MAX_SAFE_INTEGER + 2, true, null])(
    'refuses order_id %j, naming the field',
    (order_id) => {
      expect(issues({ order_id, comments: 'x' }).join()).toMatch(/^order_id must be a positive integer/);
    },
  );

  it('takes comments optional, non-empty when given, at most the cap', () => {
    expect(revokeOrderParams.parse({ order_id: 1 }).comments).toBeUndefined();
    expect(issues({ order_id: 1, comments: 7 })).toEqual([
      'comments must be text saying why the certificate is revoked',
    ]);
    expect(issues({ order_id: 1, comments: '   ' })).toEqual(['comments must not be empty']);
    expect(issues({ order_id: 1, comments: 'x'.repeat(COMMENTS_MAX_CHARS + 1) })).toEqual([
      `comments must be at most ${COMMENTS_MAX_CHARS} characters`,
    ]);
    expect(
      revokeOrderParams.parse({ order_id: 1, comments: 'x'.repeat(COMMENTS_MAX_CHARS) }).comments,
    ).toHaveLength(COMMENTS_MAX_CHARS);
  });

  it("accepts DigiCert's revocation reasons only", () => {
    for (const reason of [
      'key_compromise',
      'cessation_of_operation',
      'affiliation_changed',
      'superseded',
      'unspecified',
    ]) {
      expect(
        revokeOrderParams.parse({ order_id: 1, comments: 'x', revocation_reason: reason }).revocation_reason,
      ).toBe(reason);
    }
    expect(issues({ order_id: 1, comments: 'x', revocation_reason: 'keyCompromise' }).join()).toMatch(
      /^revocation_reason must be one of key_compromise/,
    );
  });

  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['Y', true],
    ['n', false],
    [' TRUE ', true],
  ])('reads skip_approval %j as %j', (input, expected) => {
    expect(revokeOrderParams.parse({ order_id: 1, comments: 'x', skip_approval: input }).skip_approval).toBe(
      expected,
    );
  });

  it('refuses other skip_approval values and unknown fields', () => {
    expect(issues({ order_id: 1, comments: 'x', skip_approval: 'maybe' }).join()).toMatch(
      /^skip_approval must be/,
    );
    expect(issues({ order_id: 1, comments: 'x', skip_approval: 1 }).join()).toMatch(/^skip_approval must be/);
    expect(issues({ order_id: 1, comments: 'x', comment: 'typo' }).join()).toMatch(
      /unknown field\(s\): comment/,
    );
  });
});

describe('buildRevokeOrderBody', () => {
  const params = revokeOrderParams.parse({
    order_id: 9,
    comments: 'key leaked',
    revocation_reason: 'key_compromise',
  });

  it('sends comments and the reason, and skip_approval only when true', () => {
    expect(buildRevokeOrderBody(params, { skipApproval: false })).toEqual({
      comments: 'key leaked',
      revocation_reason: 'key_compromise',
    });
    expect(buildRevokeOrderBody(params, { skipApproval: true })).toEqual({
      comments: 'key leaked',
      revocation_reason: 'key_compromise',
      skip_approval: true,
    });
  });

  it('sends a comment naming who asked when the job has none, always under the documented name', () => {
    const bare = revokeOrderParams.parse({ order_id: 9 });
    expect(buildRevokeOrderBody(bare, { skipApproval: false }, { reference: 'batch b-7' })).toEqual({
      comments: 'revoked by revoker (batch b-7)',
    });
    expect(buildRevokeOrderBody(bare, { skipApproval: false }).comments).toBe('revoked by revoker');
  });

  it('spells revocation_reason as the account has learned', () => {
    expect(buildRevokeOrderBody(params, { skipApproval: false }, { reasonSpelling: 'camel' })).toEqual({
      comments: 'key leaked',
      revocation_reason: 'keyCompromise',
    });
  });

  it("lets the job's own skip_approval override the account's", () => {
    expect(
      buildRevokeOrderBody({ ...params, skip_approval: false }, { skipApproval: true }),
    ).not.toHaveProperty('skip_approval');
    expect(
      buildRevokeOrderBody({ ...params, skip_approval: true }, { skipApproval: false }).skip_approval,
    ).toBe(true);
  });
});

describe('revokeOrderOperation', () => {
  const params = revokeOrderParams.parse({ order_id: '5', comments: 'key leaked' });
  const pending = {
    id: 1,
    date: '2016-02-10T17:06:15+00:00',
    type: 'revoke',
    status: 'pending',
    requester: { id: 242140, first_name: 'Jack', last_name: 'White', email: 'j.white@fakeaddy.com' },
    comments: 'Revoked via API!',
  };

  it('is registered under its name, with order_id as target', () => {
    expect(digicertOperations).toContain(revokeOrderOperation);
    expect(revokeOrderOperation).toMatchObject({
      name: 'digicert.revokeOrder',
      vendor: 'digicert',
      kind: 'revoke',
    });
    expect(revokeOrderOperation.targetOf(params)).toEqual({ field: 'order_id', value: '5' });
  });

  it('PUTs JSON to order/certificate/{order_id}/revoke with the API key header', async () => {
    const transport = fakeTransport(response(201, pending));
    const signal = new AbortController().signal;
    await revokeOrderOperation.execute(account(transport), params, { signal });
    expect(transport.requests).toHaveLength(1);
    const [sent] = transport.requests;
    expect(sent).toMatchObject({
      method: 'PUT',
      path: 'order/certificate/5/revoke',
      headers: { 'x-dc-devkey': API_KEY, 'content-type': 'application/json' },
      signal,
    });
    expect(JSON.parse(sent?.body ?? '')).toEqual({ comments: 'key leaked' });
  });

  it('201 with a request object is done, pending, with the request id', async () => {
    const outcome = await revokeOrderOperation.execute(
      account(fakeTransport(response(201, pending))),
      params,
    );
    expect(outcome).toMatchObject({
      class: 'done',
      vendor: 'digicert',
      code: '201',
      httpStatus: 201,
      learned: { requestId: '1', requestStatus: 'pending' },
      latencyMs: 12,
      mayHaveTakenEffect: false,
    });
  });

  it('201 with an empty body is done (revoked at once, no request)', async () => {
    const transport = fakeTransport(response(201, ''));
    const outcome = await revokeOrderOperation.execute(account(transport, { skipApproval: true }), params);
    expect(outcome).toMatchObject({ class: 'done', code: '201', httpStatus: 201, learned: {} });
    expect(JSON.parse(transport.requests[0]?.body ?? '')).toEqual({
      comments: 'key leaked',
      skip_approval: true,
    });
  });

  it('204 after skip_approval is done; without it, unconfirmed (the order is read first)', async () => {
    const skipped = await revokeOrderOperation.execute(
      account(fakeTransport(response(204, '')), { skipApproval: true }),
      params,
    );
    expect(skipped).toMatchObject({ class: 'done', code: '204', httpStatus: 204, learned: {} });
    const odd = await revokeOrderOperation.execute(account(fakeTransport(response(204, ''))), params);
    expect(odd).toMatchObject({ class: 'done', code: '204', learned: { unconfirmed: true } });
  });

  it('201 with an unexpected body is unconfirmed, keeping an excerpt', async () => {
    const outcome = await revokeOrderOperation.execute(
      account(fakeTransport(response(201, '{"ok":true}'))),
      params,
    );
    expect(outcome).toMatchObject({
      class: 'done',
      code: '201',
      rawExcerpt: '{"ok":true}',
      learned: { unconfirmed: true },
    });
  });

  it('a 2xx without a request we can read is unconfirmed, never a revoke by itself', async () => {
    for (const [status, body] of [
      [200, pending],
      [201, ''],
      [201, '<html>ok</html>'],
    ] as const) {
      const outcome = await revokeOrderOperation.execute(
        account(fakeTransport(response(status, body))),
        params,
      );
      expect(outcome, `HTTP ${status} ${body}`).toMatchObject({
        class: 'done',
        httpStatus: status,
        learned: { unconfirmed: true },
      });
    }
  });

  it('404 not_found|order is permanent', async () => {
    const outcome = await revokeOrderOperation.execute(
      account(fakeTransport(response(404, errorsBody('not_found|order')))),
      params,
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: 'not_found|order', httpStatus: 404 });
  });

  it('a network fault is transient and carries whether it may have taken effect', async () => {
    const timeout = await revokeOrderOperation.execute(
      account(fakeTransport(fault('CA_ERR_TIMEOUT', true))),
      params,
    );
    expect(timeout).toMatchObject({
      class: 'transient',
      code: 'CA_ERR_TIMEOUT',
      mayHaveTakenEffect: true,
      latencyMs: 7,
    });
    const refused = await revokeOrderOperation.execute(
      account(fakeTransport(fault('CA_ERR_CONNECT', false))),
      params,
    );
    expect(refused).toMatchObject({ class: 'transient', code: 'CA_ERR_CONNECT', mayHaveTakenEffect: false });
  });

  it('never puts the API key in an outcome', async () => {
    const echoed = {
      kind: 'fault' as const,
      code: 'CA_ERR_RESET' as const,
      message: `reset ${API_KEY}`,
      mayHaveReachedVendor: true,
      latencyMs: 1,
    };
    const outcomes = [
      await revokeOrderOperation.execute(account(fakeTransport(echoed)), params),
      await revokeOrderOperation.execute(
        account(fakeTransport(response(201, `{"key":"${API_KEY}"}`))),
        params,
      ),
      await revokeOrderOperation.execute(account(fakeTransport(response(500, `<b>${API_KEY}</b>`))), params),
    ];
    for (const outcome of outcomes) expect(JSON.stringify(outcome)).not.toContain(API_KEY);
  });
});

describe('revokeOrderOperation.execute with job data read back from Redis', () => {
  it('refuses invalid parameters as a permanent outcome without calling DigiCert', async () => {
    const transport = fakeTransport();
    const outcome = await revokeOrderOperation.execute(account(transport), {
      order_id: '12/../34',
      comments: 'x',
    } as never);
    expect(outcome).toMatchObject({ class: 'permanent', code: 'CA_ERR_PARAMS' });
    expect(outcome.message).toContain('order_id');
    expect(transport.requests).toHaveLength(0);
  });
});

describe('revokeOrder: the revocation_reason spelling', () => {
  const params = revokeOrderParams.parse({
    order_id: '5',
    comments: 'key leaked',
    revocation_reason: 'key_compromise',
  });
  const refused = response(
    400,
    errorsBody('invalid_field|revocation_reason', 'The value of revocation_reason is invalid.'),
  );
  const sent = (t: ReturnType<typeof fakeTransport>) =>
    t.requests.map((r) => JSON.parse(String(r.body)).revocation_reason);

  it('a refusal naming the field is a retry with the other spelling, which then sticks', async () => {
    const memo = createReasonSpellingMemo();
    const transport = fakeTransport(
      refused,
      response(201, { id: 3, status: 'pending' }),
      response(201, { id: 4, status: 'pending' }),
    );
    const acct = account(transport, { reasonSpelling: memo });
    const first = await revokeOrderOperation.execute(acct, params);
    expect(first).toMatchObject({
      class: 'transient',
      mayHaveTakenEffect: false,
      code: 'invalid_field|revocation_reason',
    });
    expect((await revokeOrderOperation.execute(acct, params)).class).toBe('done');
    expect((await revokeOrderOperation.execute(acct, params)).class).toBe('done');
    expect(sent(transport)).toEqual(['key_compromise', 'keyCompromise', 'keyCompromise']);
  });

  it('both spellings refused: the refusal is the job’s own (permanent)', async () => {
    const memo = createReasonSpellingMemo();
    const acct = account(fakeTransport(refused, refused), { reasonSpelling: memo });
    expect((await revokeOrderOperation.execute(acct, params)).class).toBe('transient');
    expect((await revokeOrderOperation.execute(acct, params)).class).toBe('permanent');
  });

  it('without a memo (a one-off client) snake_case is sent and a refusal stays permanent', async () => {
    const transport = fakeTransport(refused);
    expect((await revokeOrderOperation.execute(account(transport), params)).class).toBe('permanent');
    expect(sent(transport)).toEqual(['key_compromise']);
  });
});

describe('revokeOrder: answers the docs leave open', () => {
  const params = revokeOrderParams.parse({ order_id: '5' });

  it.each([
    [400, 'already_revoked', 'The certificates on this order have already been revoked.'],
    [400, 'invalid_order_status|revoked', 'The order status (revoked) does not allow this action.'],
    [409, 'conflict', 'This order has already been revoked.'],
  ])('%i %s is "already revoked"', async (status, code, message) => {
    const outcome = await revokeOrderOperation.execute(
      account(fakeTransport(response(status, errorsBody(code, message)))),
      params,
    );
    expect(outcome).toMatchObject({ class: 'permanent', learned: { alreadyRevoked: true } });
  });

  it('an order that is not issued yet is not "already revoked"', async () => {
    const body = errorsBody(
      'invalid_order_status|pending',
      'The order status (pending) does not allow this action.',
    );
    const outcome = await revokeOrderOperation.execute(account(fakeTransport(response(400, body))), params);
    expect(outcome.learned).toEqual({});
  });

  it('a refusal saying a revoke request is pending says so', async () => {
    const body = errorsBody('duplicate_request', 'A revoke request is already pending for this order.');
    const outcome = await revokeOrderOperation.execute(account(fakeTransport(response(400, body))), params);
    expect(outcome).toMatchObject({ class: 'permanent', learned: { requestPending: true } });
  });

  it('415 (our body not declared JSON) halts the account', async () => {
    const body = errorsBody(
      'unsupported_media_type',
      'The request body must be sent as Content-Type: application/json.',
    );
    expect(
      (await revokeOrderOperation.execute(account(fakeTransport(response(415, body))), params)).class,
    ).toBe('halt');
  });
});
