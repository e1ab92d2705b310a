import { describe, expect, it } from 'vitest';
import { digicertOperations } from '../../../src/vendors/digicert/operations.ts';
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

  it('requires comments, non-empty, at most the cap', () => {
    expect(issues({ order_id: 1 })).toEqual(['comments is required: text saying why the order is revoked']);
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
