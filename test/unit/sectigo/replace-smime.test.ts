import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildReplaceSmimeForm,
  REPLACE_SMIME_WIRE_NAMES,
  type ReplaceSmimeParams,
  replaceSmimeOperation,
  replaceSmimeParamsSchema,
} from '../../../src/vendors/sectigo/replace-smime.ts';
import { type CsrFixtures, makeCsrFixtures } from './csr-fixtures.ts';
import { answer, fakeTransport, formAccount, PASSWORD, SASP, sectigoAccount } from './fake-transport.ts';

let fixtures: CsrFixtures;

beforeAll(async () => {
  fixtures = await makeCsrFixtures();
});

function params(input: Record<string, unknown>): ReplaceSmimeParams {
  return replaceSmimeParamsSchema.parse({ orderNumber: 1234567, csr: fixtures.csrBase64, ...input });
}

function messages(input: Record<string, unknown>): string {
  const result = replaceSmimeParamsSchema.safeParse({ orderNumber: 1, csr: fixtures.csrPem, ...input });
  expect(result.success).toBe(false);
  return result.success ? '' : result.error.issues.map((issue) => issue.message).join('; ');
}

describe('sectigo.replaceSMIME params', () => {
  it('requires orderNumber and csr', () => {
    const result = replaceSmimeParamsSchema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'orderNumber is required',
      'csr is required',
    ]);
  });

  it('takes an order number of up to 128 digits', () => {
    expect(params({ orderNumber: '9'.repeat(128) }).orderNumber).toHaveLength(128);
    expect(messages({ orderNumber: '9'.repeat(129) })).toContain('orderNumber must be at most 128 digits');
  });

  it('rejects a certificate given as csr', () => {
    expect(messages({ csr: fixtures.certificatePem })).toContain('csr is a PEM CERTIFICATE');
  });

  it('takes the documented signature hash preferences, in any case', () => {
    expect(params({ signatureHash: 'prefer_sha2' }).signatureHash).toBe('PREFER_SHA2');
    expect(messages({ signatureHash: 'SHA1' })).toContain(
      'signatureHash must be one of NO_PREFERENCE, INFER_FROM_CSR, PREFER_SHA2, REQUIRE_SHA2',
    );
  });

  it('takes responseFormat 0, 1 or 2 and defaults to 2', () => {
    expect(params({}).responseFormat).toBe(2);
    expect(params({ responseFormat: '0' }).responseFormat).toBe(0);
    expect(messages({ responseFormat: 3 })).toContain('responseFormat must be one of 0, 1, 2');
  });

  it('takes a two-letter language, sent lower-case', () => {
    expect(params({ language: 'DE' }).language).toBe('de');
    expect(messages({ language: 'deu' })).toContain('language must be a two-letter ISO 639-1 code');
  });

  it('takes integer template ids and caCertificateID', () => {
    expect(
      params({
        caCertificateID: '12',
        smimeVerificationTemplateID: 1,
        smimeRequestTemplateID: '2',
        smimeCollectionTemplateID: 3,
      }),
    ).toMatchObject({
      caCertificateID: '12',
      smimeVerificationTemplateID: '1',
      smimeRequestTemplateID: '2',
      smimeCollectionTemplateID: '3',
    });
    expect(messages({ smimeRequestTemplateID: 'standard' })).toContain('smimeRequestTemplateID');
  });

  it('has no test parameter', () => {
    expect(messages({ test: 'Y' })).toContain('unknown parameter "test"');
  });

  it('targets the order being replaced', () => {
    expect(replaceSmimeOperation.kind).toBe('replace');
    expect(replaceSmimeOperation.targetOf(params({ orderNumber: '0055' }))).toEqual({
      field: 'orderNumber',
      value: '55',
    });
  });
});

describe('buildReplaceSmimeForm', () => {
  it('sends the login, the order, the CSR as PEM and responseFormat 2', () => {
    const form = buildReplaceSmimeForm(formAccount(), params({}));
    expect([...form]).toEqual([
      ['loginName', 'reseller-api'],
      ['loginPassword', PASSWORD],
      ['orderNumber', '1234567'],
      ['csr', fixtures.csrPem],
      ['responseFormat', '2'],
    ]);
  });

  it('spells revokeOldOrder REVOKEOLDORDER on the wire', () => {
    const form = buildReplaceSmimeForm(formAccount(), params({ revokeOldOrder: true }));
    expect(form.get('REVOKEOLDORDER')).toBe('Y');
    expect(form.has('revokeOldOrder')).toBe(false);
  });

  it('sends every optional field under its wire name from the one table', () => {
    const form = buildReplaceSmimeForm(
      formAccount(),
      params({
        signatureHash: 'REQUIRE_SHA2',
        caCertificateID: 5,
        revokeOldOrder: 'n',
        language: 'fr',
        smimeVerificationTemplateID: 7,
        smimeRequestTemplateID: 8,
        smimeCollectionTemplateID: 9,
      }),
    );
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.signatureHash)).toBe('REQUIRE_SHA2');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.caCertificateID)).toBe('5');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.revokeOldOrder)).toBe('N');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.language)).toBe('fr');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.smimeVerificationTemplateID)).toBe('7');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.smimeRequestTemplateID)).toBe('8');
    expect(form.get(REPLACE_SMIME_WIRE_NAMES.smimeCollectionTemplateID)).toBe('9');
  });

  it('never sends test, even under rehearsal (the endpoint has no such mode)', () => {
    expect(buildReplaceSmimeForm(formAccount({ rehearsal: true }), params({})).has('test')).toBe(false);
  });
});

describe('sectigo.replaceSMIME execute', () => {
  it.each([
    ['JSON', 2, '{"errorCode":0,"orderNumber":"7654321"}'],
    ['url-encoded', 1, 'errorCode=0&orderNumber=7654321\r\n'],
    ['lines', 0, '0\r\n7654321\r\n'],
  ] as const)('reads the new order number from a %s success', async (_, format, body) => {
    const transport = fakeTransport(answer(body));
    const outcome = await replaceSmimeOperation.execute(
      sectigoAccount(transport),
      params({ responseFormat: format }),
    );
    expect(transport.requests[0]?.path).toBe('!AutoReplaceSMIME');
    expect(transport.form().get('responseFormat')).toBe(String(format));
    expect(outcome).toMatchObject({ class: 'done', code: '0', learned: { newOrderNumber: '7654321' } });
    expect(outcome.message).toContain('7654321');
  });

  it('records a success that carries no new order number, keeping the raw body', async () => {
    const transport = fakeTransport(answer('{"errorCode":0}'));
    const outcome = await replaceSmimeOperation.execute(sectigoAccount(transport), params({}));
    expect(outcome).toMatchObject({ class: 'done', learned: {}, rawExcerpt: '{"errorCode":0}' });
    expect(outcome.message).toContain('no new order number');
  });

  it('reads JSON errors: -40 (compromised key) is permanent', async () => {
    const transport = fakeTransport(answer('{"errorCode":-40,"errorMessage":"CSR key is compromised"}'));
    const outcome = await replaceSmimeOperation.execute(sectigoAccount(transport), params({}));
    expect(outcome).toMatchObject({ class: 'permanent', code: '-40', message: 'CSR key is compromised' });
    expect(outcome.learned.newOrderNumber).toBeUndefined();
  });

  it('dead-letters (permanent) a -2 on a job that sends a guessed field, naming it; halts otherwise', async () => {
    const guessed = fakeTransport(answer('errorCode=-2&errorMessage=Unrecognised+argument%21'));
    const outcome = await replaceSmimeOperation.execute(
      sectigoAccount(guessed),
      params({ responseFormat: 1, language: 'de' }),
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: '-2' });
    expect(outcome.message).toMatch(/this job sends language, whose parameter name is a guess/);
    const plain = fakeTransport(answer('errorCode=-2&errorMessage=Unrecognised+argument%21'));
    expect(
      await replaceSmimeOperation.execute(sectigoAccount(plain), params({ responseFormat: 1 })),
    ).toMatchObject({
      class: 'halt',
      code: '-2',
    });
  });

  it('reads -13 (unsupported key size) as permanent', async () => {
    const transport = fakeTransport(answer('errorCode=-13&errorMessage=unsupported+key+size'));
    const outcome = await replaceSmimeOperation.execute(
      sectigoAccount(transport),
      params({ responseFormat: 1 }),
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: '-13' });
  });

  it('is never sent while the account rehearses: a replacement cannot be undone', async () => {
    const transport = fakeTransport();
    const outcome = await replaceSmimeOperation.execute(
      sectigoAccount(transport, { rehearsal: true }),
      params({}),
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: 'CA_ERR_PARAMS' });
    expect(outcome.message).toContain('no test mode');
    expect(transport.requests).toHaveLength(0);
  });

  it('halts a SASP account without calling the vendor', async () => {
    const transport = fakeTransport();
    const outcome = await replaceSmimeOperation.execute(
      sectigoAccount(transport, { credentials: SASP }),
      params({}),
    );
    expect(outcome).toMatchObject({ class: 'halt', code: 'CA_ERR_PARAMS' });
    expect(transport.requests).toHaveLength(0);
  });

  it('revalidates job data: a corrupted CSR never reaches the vendor', async () => {
    const transport = fakeTransport();
    const corrupted = { ...params({}), csr: fixtures.certificatePem };
    const outcome = await replaceSmimeOperation.execute(sectigoAccount(transport), corrupted);
    expect(outcome).toMatchObject({ class: 'permanent', code: 'CA_ERR_PARAMS' });
    expect(outcome.message).toContain('csr is a PEM CERTIFICATE');
    expect(transport.requests).toHaveLength(0);
  });
});
