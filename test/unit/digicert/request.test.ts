import { describe, expect, it } from 'vitest';
import { isRevokerError } from '../../../src/errors.ts';
import { approveRequest, getRequest, parseRequestObject } from '../../../src/vendors/digicert/request.ts';
import { API_KEY, account, errorsBody, fakeTransport, fault, response } from './fake-transport.ts';

describe('parseRequestObject', () => {
  it('reads id (number or digit string) and status, ignoring the rest', () => {
    expect(parseRequestObject('{"id":12,"status":"approved","type":"revoke","requester":{}}')).toEqual({
      id: '12',
      status: 'approved',
      type: 'revoke',
    });
    expect(parseRequestObject('{"id":"12","status":"submitted"}')).toMatchObject({
      id: '12',
      status: 'submitted',
    });
  });

  it.each(['', 'nope', '{"id":1}', '{"id":1,"status":"weird"}', '{"id":-1,"status":"pending"}'])(
    'returns undefined for %j',
    (body) => {
      expect(parseRequestObject(body)).toBeUndefined();
    },
  );
});

describe('getRequest', () => {
  it('GETs request/{id} and learns its status', async () => {
    const transport = fakeTransport(response(200, { id: 42, status: 'approved', type: 'revoke' }));
    const outcome = await getRequest(account(transport), '42');
    expect(transport.requests[0]).toMatchObject({
      method: 'GET',
      path: 'request/42',
      headers: { 'x-dc-devkey': API_KEY },
    });
    expect(transport.requests[0]?.body).toBeUndefined();
    expect(outcome).toMatchObject({
      class: 'done',
      code: '200',
      httpStatus: 200,
      learned: { requestId: '42', requestStatus: 'approved' },
    });
  });

  it('an unreadable 200 is transient, never done', async () => {
    const outcome = await getRequest(account(fakeTransport(response(200, '<html/>'))), '42');
    expect(outcome).toMatchObject({ class: 'transient', code: 'CA_ERR_RESPONSE', httpStatus: 200 });
  });

  it('errors go through the table: a 404 naming the request is permanent, a plain one halts', async () => {
    const named = await getRequest(
      account(fakeTransport(response(404, errorsBody('not_found|request')))),
      '42',
    );
    expect(named).toMatchObject({ class: 'permanent', code: 'not_found|request' });
    // A 404 naming nothing: the path or base URL is wrong for every job.
    const plain = await getRequest(account(fakeTransport(response(404, errorsBody('not_found')))), '42');
    expect(plain).toMatchObject({ class: 'halt', code: 'not_found' });
  });

  it('passes the signal on and maps a fault', async () => {
    const transport = fakeTransport(fault('CA_ERR_ABORTED', true));
    const signal = AbortSignal.abort();
    const outcome = await getRequest(account(transport), '42', { signal });
    expect(transport.requests[0]?.signal).toBe(signal);
    expect(outcome).toMatchObject({ class: 'transient', code: 'CA_ERR_ABORTED' });
  });

  it.each(['', 'abc', '1/../2', '-1'])('refuses request id %j before any call', async (id) => {
    const transport = fakeTransport();
    await expect(getRequest(account(transport), id)).rejects.toSatisfy((e) =>
      isRevokerError(e, 'CA_ERR_PARAMS'),
    );
    expect(transport.requests).toHaveLength(0);
  });
});

describe('approveRequest', () => {
  it('PUTs request/{id}/status with status approved and the processor comment', async () => {
    const transport = fakeTransport(response(204, ''));
    const outcome = await approveRequest(account(transport), '42', 'approved by revoker batch 7');
    const [sent] = transport.requests;
    expect(sent).toMatchObject({
      method: 'PUT',
      path: 'request/42/status',
      headers: { 'x-dc-devkey': API_KEY, 'content-type': 'application/json' },
    });
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      status: 'approved',
      processor_comment: 'approved by revoker batch 7',
    });
    expect(outcome).toMatchObject({
      class: 'done',
      code: '204',
      httpStatus: 204,
      learned: { requestId: '42', requestStatus: 'approved' },
    });
  });

  it('200 is done too; an empty comment is left out', async () => {
    const transport = fakeTransport(response(200, ''));
    const outcome = await approveRequest(account(transport), '42', '  ');
    expect(JSON.parse(transport.requests[0]?.body ?? '')).toEqual({ status: 'approved' });
    expect(outcome).toMatchObject({ class: 'done', code: '200', learned: { requestStatus: 'approved' } });
  });

  it('a rate limit on approve is rate-limited like any call', async () => {
    const outcome = await approveRequest(
      account(fakeTransport(response(429, errorsBody('request_limit_exceeded'), { 'retry-after': '3' }))),
      '42',
      'ok',
    );
    expect(outcome).toMatchObject({ class: 'rate-limited', retryAfterMs: 3_000 });
  });

  it('refuses an over-long comment before any call', async () => {
    const transport = fakeTransport();
    await expect(approveRequest(account(transport), '42', 'x'.repeat(1025))).rejects.toSatisfy((e) =>
      isRevokerError(e, 'CA_ERR_PARAMS'),
    );
    expect(transport.requests).toHaveLength(0);
  });
});
