import { describe, expect, it } from 'vitest';
import {
  buildRevokeCertificateForm,
  type RevokeCertificateParams,
  revokeCertificateOperation,
  revokeCertificateParamsSchema,
} from '../../../src/vendors/sectigo/revoke-certificate.ts';
import { answer, fakeTransport, formAccount, PASSWORD, SASP, sectigoAccount } from './fake-transport.ts';

function params(input: unknown): RevokeCertificateParams {
  return revokeCertificateParamsSchema.parse(input);
}

describe('buildRevokeCertificateForm', () => {
  it('always sends codeReason, 0 when the job gives none', () => {
    const form = buildRevokeCertificateForm(formAccount(), params({ orderNumber: '123456' }));
    expect([...form]).toEqual([
      ['loginName', 'reseller-api'],
      ['loginPassword', PASSWORD],
      ['orderNumber', '123456'],
      ['codeReason', '0'],
      ['responseFormat', '1'],
    ]);
  });

  it('sends every optional parameter the job gives', () => {
    const form = buildRevokeCertificateForm(
      formAccount(),
      params({
        orderNumber: 1,
        accountID: '88',
        revocationReason: 'Key compromised',
        codeReason: 1,
        serialNumber: 'ab:cd',
        productCode: 287,
        includeInCRL: 'n',
        test: 'y',
        responseFormat: 0,
      }),
    );
    expect(Object.fromEntries(form)).toMatchObject({
      orderNumber: '1',
      accountID: '88',
      revocationReason: 'Key compromised',
      codeReason: '1',
      serialNumber: 'ABCD',
      productCode: '287',
      includeInCRL: 'N',
      test: 'Y',
      responseFormat: '0',
    });
  });

  it('sends test=Y under rehearsal', () => {
    expect(
      buildRevokeCertificateForm(formAccount({ rehearsal: true }), params({ orderNumber: 1 })).get('test'),
    ).toBe('Y');
  });

  it('refuses a SASP account: only AutoRevokeSSL takes a session', () => {
    expect(() =>
      buildRevokeCertificateForm(formAccount({ credentials: SASP }), params({ orderNumber: 1 })),
    ).toThrow(/not a saspSessionID/);
  });
});

describe('sectigo.revokeCertificate target', () => {
  it('is the order, or the serial when the job names one certificate of the order', () => {
    expect(revokeCertificateOperation.targetOf(params({ orderNumber: 5 }))).toEqual({
      field: 'orderNumber',
      value: '5',
    });
    expect(revokeCertificateOperation.targetOf(params({ orderNumber: 5, serialNumber: '0f' }))).toEqual({
      field: 'serialNumber',
      value: '0F',
    });
  });
});

describe('sectigo.revokeCertificate execute', () => {
  it('posts to !AutoRevokeCertificate and reads a url-encoded success', async () => {
    const transport = fakeTransport(answer('errorCode=0'));
    const outcome = await revokeCertificateOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 9 }),
    );
    expect(transport.requests[0]?.path).toBe('!AutoRevokeCertificate');
    expect(outcome).toMatchObject({ class: 'done', code: '0' });
  });

  it('reads a lines answer: -35 expired is permanent', async () => {
    const transport = fakeTransport(answer('-35\nThe certificate has expired and cannot be revoked!\r\n'));
    const outcome = await revokeCertificateOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 9, responseFormat: 0 }),
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: '-35' });
  });

  it('reads a url-encoded error with its detail', async () => {
    const transport = fakeTransport(
      answer("errorCode=-4&errorMessage=The+value+of+the+'codeReason'+argument+is+invalid!&errorDetail=2"),
    );
    const outcome = await revokeCertificateOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 9 }),
    );
    expect(outcome).toMatchObject({
      class: 'permanent',
      code: '-4',
      message: "The value of the 'codeReason' argument is invalid! — 2",
    });
  });

  it('halts a SASP account without calling the vendor', async () => {
    const transport = fakeTransport();
    const outcome = await revokeCertificateOperation.execute(
      sectigoAccount(transport, { credentials: SASP }),
      params({ orderNumber: 9 }),
    );
    expect(outcome).toMatchObject({ class: 'halt', code: 'CA_ERR_PARAMS' });
    expect(transport.requests).toHaveLength(0);
  });
});
