import { describe, expect, it } from 'vitest';
import { findPendingRevokeRequest } from '../../../src/vendors/digicert/request-list.ts';
import {
  revokeCertificateOperation,
  revokeCertificateParams,
  revokeCertificatePath,
} from '../../../src/vendors/digicert/revoke-certificate.ts';
import { getOperation } from '../../../src/vendors/registry.ts';
import { account, errorsBody, fakeTransport, response } from './fake-transport.ts';

function issues(input: unknown): string[] {
  const result = revokeCertificateParams.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((i) => i.message);
}

describe('revokeCertificateParams', () => {
  it('takes exactly one of certificate_id and serialNumber', () => {
    expect(issues({})).toEqual([
      'certificate_id or serialNumber is required: which certificate of the order to revoke',
    ]);
    expect(issues({ certificate_id: 1, serialNumber: 'AB' })).toEqual([
      'give certificate_id or serialNumber, not both (DigiCert takes one in the path)',
    ]);
    expect(revokeCertificateParams.parse({ certificate_id: '0042' }).certificate_id).toBe(42);
  });

  it('normalises a serial as Sectigo serials are: colons gone, upper case', () => {
    expect(revokeCertificateParams.parse({ serialNumber: '0a:1b:2c' }).serialNumber).toBe('0A1B2C');
    expect(revokeCertificateParams.parse({ serialNumber: ' abcdef ' }).serialNumber).toBe('ABCDEF');
    expect(issues({ serialNumber: 'xyz' })[0]).toMatch(/hexadecimal/);
    expect(issues({ serialNumber: 'A'.repeat(41) })[0]).toMatch(/at most 40/);
    expect(issues({ serialNumber: 123 })[0]).toMatch(/hexadecimal text/);
  });

  it('refuses unknown fields by name, and parses its own output to the same value', () => {
    expect(issues({ certificate_id: 1, order_id: 2 })).toEqual(['unknown field(s): order_id']);
    const once = revokeCertificateParams.parse({
      serialNumber: 'ab:cd',
      comments: ' x ',
      revocation_reason: 'key_compromise',
    });
    expect(revokeCertificateParams.parse(once)).toEqual(once);
  });
});

describe('revokeCertificateOperation', () => {
  it('is registered, with the certificate as its target', () => {
    expect(getOperation('digicert.revokeCertificate')).toBe(revokeCertificateOperation);
    expect(revokeCertificateOperation.targetOf(revokeCertificateParams.parse({ certificate_id: 7 }))).toEqual(
      {
        field: 'certificate_id',
        value: '7',
      },
    );
    expect(
      revokeCertificateOperation.targetOf(revokeCertificateParams.parse({ serialNumber: 'ab' })),
    ).toEqual({
      field: 'serialNumber',
      value: 'AB',
    });
  });

  it('PUTs to certificate/{id or serial}/revoke', async () => {
    expect(revokeCertificatePath(revokeCertificateParams.parse({ certificate_id: 7 }))).toBe(
      'certificate/7/revoke',
    );
    const transport = fakeTransport(response(201, { id: 5, status: 'pending' }));
    const outcome = await revokeCertificateOperation.execute(
      account(transport),
      revokeCertificateParams.parse({ serialNumber: '0a:ff' }),
      { reference: 'batch b' },
    );
    expect(outcome).toMatchObject({ class: 'done', learned: { requestId: '5', requestStatus: 'pending' } });
    expect(transport.requests[0]).toMatchObject({ method: 'PUT', path: 'certificate/0AFF/revoke' });
    expect(JSON.parse(String(transport.requests[0]?.body))).toEqual({
      comments: 'revoked by revoker (batch b)',
    });
  });

  it('a refusal for a pending reissue says so, permanent', async () => {
    const body = errorsBody(
      'invalid_certificate_status|reissue_pending',
      'Certificates with a pending reissue order cannot be revoked.',
    );
    const outcome = await revokeCertificateOperation.execute(
      account(fakeTransport(response(400, body))),
      revokeCertificateParams.parse({ certificate_id: 9 }),
    );
    expect(outcome).toMatchObject({ class: 'permanent', learned: { reissuePending: true } });
  });

  it('reads pending requests by certificate, not by order; has no read of the certificate itself', () => {
    expect(revokeCertificateOperation.reads?.targetStatus).toBeUndefined();
    expect(revokeCertificateOperation.reads?.pendingRequest).toBeTypeOf('function');
  });
});

describe('findPendingRevokeRequest', () => {
  const page = {
    requests: [
      {
        id: 3,
        status: 'pending',
        type: 'revoke',
        order: { id: 10 },
        certificate: { id: 101, serial_number: '0A0B' },
      },
      { id: 2, status: 'pending', type: 'revoke', order: { id: 10 } },
      { id: 1, status: 'approved', type: 'revoke', order: { id: 11 } },
    ],
    page: { total: 3, limit: 1000, offset: 0 },
  };
  const find = async (target: Parameters<typeof findPendingRevokeRequest>[1]) =>
    (await findPendingRevokeRequest(account(fakeTransport(response(200, page))), target, 0)).learned;

  it('tells an order request from a certificate request of the same order', async () => {
    expect(await find({ orderId: '10' })).toEqual({ requestId: '2', requestStatus: 'pending' });
    expect(await find({ certificateId: '101' })).toEqual({ requestId: '3', requestStatus: 'pending' });
    expect(await find({ serialNumber: 'a0b' })).toEqual({ requestId: '3', requestStatus: 'pending' });
    expect(await find({ orderId: '11' })).toEqual({});
  });
});
