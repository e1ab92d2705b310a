import { describe, expect, it } from 'vitest';
import { isRevokerError } from '../../../src/errors.ts';
import { getOrder } from '../../../src/vendors/digicert/order-info.ts';
import { account, errorsBody, fakeTransport, response } from './fake-transport.ts';

describe('getOrder', () => {
  it('GETs order/certificate/{id} and reads its status', async () => {
    const transport = fakeTransport(response(200, '{"id":42,"status":"revoked","product":{}}'));
    const outcome = await getOrder(account(transport), '42');
    expect(transport.requests[0]).toMatchObject({ method: 'GET', path: 'order/certificate/42' });
    expect(outcome).toMatchObject({ class: 'done', code: '200', learned: { orderStatus: 'revoked' } });
  });

  it('an answer without a status is unreadable, never a status', async () => {
    const outcome = await getOrder(account(fakeTransport(response(200, '{"id":42}'))), '42');
    expect(outcome).toMatchObject({ class: 'transient', code: 'CA_ERR_RESPONSE' });
    expect(outcome.learned.orderStatus).toBeUndefined();
  });

  it('errors go through the DigiCert table', async () => {
    const outcome = await getOrder(
      account(fakeTransport(response(404, errorsBody('not_found|order')))),
      '42',
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: 'not_found|order' });
  });

  it('refuses an order id that is not a number before any call', async () => {
    const transport = fakeTransport();
    await expect(getOrder(account(transport), '../x')).rejects.toSatisfy((e) =>
      isRevokerError(e, 'CA_ERR_PARAMS'),
    );
    expect(transport.requests).toHaveLength(0);
  });
});
