/**
 * Contract: the curl samples of /work/shared/vendor-docs/, replayed through OUR client against a
 * sandbox with its default accounts (the docs' placeholder logins) and the docs' sample orders.
 * Each sample's exact parameters go in; the documented answer must come out: 0, a new order
 * number, a 201 request object. Where a sample's own placeholder cannot be sent (`order_number`,
 * an elided CSR), our client refuses it before sending, and the sample's form replayed as-is
 * through our call helper gets the documented error answer.
 *
 * AutoRevokeSSL v1.07's page has no curl sample, so there is nothing of it to replay here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import { DOC_SAMPLE_ORDERS } from '../../src/sandbox/seed-generator.ts';
import { parseRequestObject } from '../../src/vendors/digicert/request.ts';
import { buildRevokeOrderBody, revokeOrderOperation } from '../../src/vendors/digicert/revoke-order.ts';
import { callSectigo } from '../../src/vendors/sectigo/call.ts';
import {
  buildReplaceSmimeForm,
  REPLACE_SMIME_PATH,
  replaceSmimeOperation,
} from '../../src/vendors/sectigo/replace-smime.ts';
import {
  buildRevokeCertificateForm,
  REVOKE_CERTIFICATE_PATH,
  revokeCertificateOperation,
} from '../../src/vendors/sectigo/revoke-certificate.ts';
import {
  buildRevokePacForm,
  REVOKE_PAC_PATH,
  revokePacOperation,
} from '../../src/vendors/sectigo/revoke-pac.ts';
import { type ContractSandbox, expectOutcome, startContractSandbox } from '../support/contract-sandbox.ts';

/** The sandbox's default DigiCert admin key (accounts.ts), standing in for `{{api_key}}`. */
const SAMPLE_API_KEY = 'sandbox-digicert-admin-key';
/** A PAC order of `login_name`, standing in for the PAC sample's `order_number` placeholder. */
const PAC_ORDER = '7654321';

let cs: ContractSandbox;

beforeAll(async () => {
  cs = await startContractSandbox(
    [
      ...DOC_SAMPLE_ORDERS.map((o) => ({ ...o })),
      { vendor: 'sectigo', account: 'login_name', orderNumber: PAC_ORDER, product: 'pac', state: 'issued' },
      { vendor: 'digicert', account: 'revoker-demo', orderNumber: '1000001', state: 'issued' },
      { vendor: 'digicert', account: 'revoker-demo', orderNumber: '1000002', state: 'issued' },
    ],
    { accounts: 'defaults' },
  );
});
afterAll(async () => {
  await cs?.close();
});

/** The fields of a form as a sorted list of [name, value], for comparing with a sample's. */
const fieldsOf = (form: URLSearchParams) => [...form.entries()].sort(([a], [b]) => a.localeCompare(b));

describe('curl sample: !AutoRevokeCertificate', () => {
  // --data-urlencode lines of the sample, verbatim.
  const SAMPLE = {
    loginName: 'yourLoginName',
    loginPassword: 'yourPassword',
    orderNumber: '123456',
    codeReason: '1',
    revocationReason: 'Key compromised',
    responseFormat: '0',
  };
  const account = () =>
    cs.sectigo({ credentials: { loginName: SAMPLE.loginName, loginPassword: SAMPLE.loginPassword } });
  const params = () => {
    const { loginName, loginPassword, ...own } = SAMPLE;
    return revokeCertificateOperation.params.parse(own);
  };

  it('our client sends exactly the sample: its URL path and its fields, nothing more', () => {
    expect(`/products/${REVOKE_CERTIFICATE_PATH}`).toBe(
      new URL('https://secure.trust-provider.com/products/!AutoRevokeCertificate').pathname,
    );
    expect(fieldsOf(buildRevokeCertificateForm(account(), params()))).toEqual(
      fieldsOf(new URLSearchParams(SAMPLE)),
    );
  });

  it('→ 0 (success), the order is revoked; replayed again → -21', async () => {
    expectOutcome(await revokeCertificateOperation.execute(account(), params()), {
      class: 'done',
      vendor: 'sectigo',
      code: '0',
      message: 'Successful',
      httpStatus: 200,
    });
    expect(cs.state('sectigo', '123456')).toBe('revoked');
    expectOutcome(await revokeCertificateOperation.execute(account(), params()), {
      class: 'permanent',
      vendor: 'sectigo',
      code: '-21',
      message: 'The certificate has already been revoked!',
      httpStatus: 200,
      learned: { alreadyRevoked: true },
    });
  });
});

describe('curl sample: !AutoRevokePAC', () => {
  const SAMPLE = {
    loginName: 'login_name',
    loginPassword: 'login_password',
    orderNumber: 'order_number',
    revocationReason: 'revocation_reason',
  };
  const account = () =>
    cs.sectigo({ credentials: { loginName: SAMPLE.loginName, loginPassword: SAMPLE.loginPassword } });

  it("its placeholder orderNumber is refused by our client before sending (not an integer, as the doc's table types it)", async () => {
    const before = cs.sandbox.stats().totalRequests;
    const { loginName, loginPassword, ...own } = SAMPLE;
    expect(revokePacOperation.params.safeParse(own).success).toBe(false);
    // Job data that skipped intake is validated again at execute time.
    const outcome = await revokePacOperation.execute(account(), own as never);
    expectOutcome(outcome, {
      class: 'permanent',
      vendor: 'sectigo',
      code: 'CA_ERR_PARAMS',
      message: expect.stringContaining('orderNumber must be a positive integer'),
      latencyMs: 0,
    });
    expect(cs.sandbox.stats().totalRequests).toBe(before);
  });

  it('the sample form as-is, through our call helper → the documented error answer (-4 orderNumber), permanent', async () => {
    expectOutcome(
      await callSectigo(account(), {
        path: REVOKE_PAC_PATH,
        form: new URLSearchParams(SAMPLE),
        responseFormat: 0,
      }),
      {
        class: 'permanent',
        vendor: 'sectigo',
        code: '-4',
        message: "The value of the 'orderNumber' argument is invalid!",
        httpStatus: 200,
      },
    );
  });

  it('with a real PAC order in place of the placeholder → the documented success answer `0`', async () => {
    const params = revokePacOperation.params.parse({
      orderNumber: PAC_ORDER,
      revocationReason: SAMPLE.revocationReason,
    });
    // The sample's fields, plus codeReason (documented as required, default 0) which we always send.
    expect(fieldsOf(buildRevokePacForm(account(), params))).toEqual(
      fieldsOf(new URLSearchParams({ ...SAMPLE, orderNumber: PAC_ORDER, codeReason: '0' })),
    );
    expectOutcome(await revokePacOperation.execute(account(), params), {
      class: 'done',
      vendor: 'sectigo',
      code: '0',
      message: 'Successful',
      httpStatus: 200,
    });
    expect(cs.state('sectigo', PAC_ORDER)).toBe('revoked');
  });
});

describe('curl sample: !AutoReplaceSMIME', () => {
  // The sample's CSR, as the page prints it: its middle is elided with "...".
  const SAMPLE_CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIICyDCCAbACAQAwQDETMBEGA1UEAwwKdnBzLXFhLmNvbTELMAkGA1UEBhMCUk8x
DTALBgNVBAgMBElhc2kxDTALBgNVBAcMBElhc2kwggEiMA0GCSqGSIb3DQEBAQUA
...
zrdHmzmuRxr4dkaGulTS2ch+MvM8gx5Oq5xEjoUr+LISyFm1FNfL+MBbr/m1i6Xn
sxolqdzytjMLCvC8yzAEyNNbwMh+waiAZxQSvKAVwezADggVwLlfRuUEEls=
-----END CERTIFICATE REQUEST-----`;
  const SAMPLE = {
    loginName: 'login_name',
    loginPassword: 'login_password',
    orderNumber: '1234567',
    csr: SAMPLE_CSR,
    responseFormat: '2',
    REVOKEOLDORDER: 'Y',
  };
  const account = () =>
    cs.sectigo({ credentials: { loginName: SAMPLE.loginName, loginPassword: SAMPLE.loginPassword } });

  it('its elided CSR is refused by our client before sending', () => {
    const parsed = replaceSmimeOperation.params.safeParse({
      orderNumber: SAMPLE.orderNumber,
      csr: SAMPLE.csr,
      responseFormat: SAMPLE.responseFormat,
      revokeOldOrder: SAMPLE.REVOKEOLDORDER,
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^csr /);
  });

  it('with a real CSR in place of the elided one → 0 and the new order number; REVOKEOLDORDER=Y revokes the old', async () => {
    const { pem } = await makeCsr({ keyType: 'rsa-2048', subject: 'CN=vps-qa.com, C=RO, ST=Iasi, L=Iasi' });
    const params = replaceSmimeOperation.params.parse({
      orderNumber: SAMPLE.orderNumber,
      csr: pem,
      responseFormat: SAMPLE.responseFormat,
      revokeOldOrder: SAMPLE.REVOKEOLDORDER,
    });
    // The sample's field names and values (its CSR replaced), nothing more.
    expect(fieldsOf(buildReplaceSmimeForm(account(), params))).toEqual(
      fieldsOf(new URLSearchParams({ ...SAMPLE, csr: params.csr })),
    );
    expect(`/products/${REPLACE_SMIME_PATH}`).toBe(
      new URL('https://secure.trust-provider.com/products/!AutoReplaceSMIME').pathname,
    );

    const outcome = await replaceSmimeOperation.execute(account(), params);
    const fresh = cs.sandbox.state.list('sectigo').find((o) => o.replaces === SAMPLE.orderNumber);
    expect(fresh?.orderNumber).toMatch(/^\d+$/);
    expectOutcome(outcome, {
      class: 'done',
      vendor: 'sectigo',
      code: '0',
      message: `Successful; new order number ${fresh?.orderNumber}`,
      httpStatus: 200,
      learned: { newOrderNumber: fresh?.orderNumber },
    });
    expect(cs.state('sectigo', SAMPLE.orderNumber)).toBe('revoked');
  });
});

describe('curl sample: DigiCert PUT order/certificate/{order_id}/revoke', () => {
  const SAMPLE_BODY = '{\n"comments": "I no longer need this cert."\n}';
  // The documented response, verbatim.
  const DOCUMENTED = {
    id: 1,
    date: '2016-02-10T17:06:15+00:00',
    type: 'revoke',
    status: 'pending',
    requester: { id: 242140, first_name: 'Jack', last_name: 'White', email: 'j.white@fakeaddy.com' },
    comments: 'Revoked via API!',
  };

  it('our client sends the sample body', () => {
    expect(
      buildRevokeOrderBody(
        { order_id: 1000001, comments: 'I no longer need this cert.' },
        { skipApproval: false },
      ),
    ).toEqual(JSON.parse(SAMPLE_BODY));
  });

  it('→ 201 with a pending request object: done, learned.requestId and requestStatus', async () => {
    const account = cs.digicert({ apiKey: SAMPLE_API_KEY });
    const outcome = await revokeOrderOperation.execute(
      account,
      revokeOrderOperation.params.parse({ order_id: '1000001', comments: 'I no longer need this cert.' }),
    );
    const request = cs.sandbox.controls.order('digicert', '1000001')?.requests[0];
    expect(request).toMatchObject({ status: 'pending', comments: 'I no longer need this cert.' });
    expectOutcome(outcome, {
      class: 'done',
      vendor: 'digicert',
      code: '201',
      message: `order 1000001: revoke request ${request?.id} is pending`,
      httpStatus: 201,
      learned: { requestId: String(request?.id), requestStatus: 'pending' },
    });
    expect(cs.state('digicert', '1000001')).toBe('issued');
  });

  it("the sample request verbatim through our transport → 201 whose body has the documented object's shape", async () => {
    const account = cs.digicert({ apiKey: SAMPLE_API_KEY });
    const response = await account.transport.send({
      method: 'PUT',
      path: 'order/certificate/1000002/revoke',
      headers: { 'Content-Type': 'application/json', 'X-DC-DEVKEY': SAMPLE_API_KEY },
      body: SAMPLE_BODY,
    });
    if (response.kind !== 'response') throw new Error(`transport fault ${response.code}`);
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.body);
    expect(Object.keys(body).sort()).toEqual(Object.keys(DOCUMENTED).sort());
    expect(Object.keys(body.requester).sort()).toEqual(Object.keys(DOCUMENTED.requester).sort());
    expect(body).toEqual({
      id: expect.any(Number),
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      type: 'revoke',
      status: 'pending',
      requester: {
        id: expect.any(Number),
        first_name: expect.any(String),
        last_name: expect.any(String),
        email: expect.any(String),
      },
      comments: 'I no longer need this cert.',
    });
    // Our reader takes both the documented sample and the sandbox's answer.
    expect(parseRequestObject(JSON.stringify(DOCUMENTED))).toEqual({
      id: '1',
      status: 'pending',
      type: 'revoke',
    });
    expect(parseRequestObject(response.body)).toEqual({
      id: String(body.id),
      status: 'pending',
      type: 'revoke',
    });
  });
});
