import { describe, expect, it } from 'vitest';
import {
  buildRevokeSslForm,
  type RevokeSslParams,
  revokeSslOperation,
  revokeSslParamsSchema,
} from '../../../src/vendors/sectigo/revoke-ssl.ts';
import {
  answer,
  fakeTransport,
  fault,
  formAccount,
  PASSWORD,
  SASP,
  sectigoAccount,
} from './fake-transport.ts';

function params(input: unknown): RevokeSslParams {
  return revokeSslParamsSchema.parse(input);
}

function messages(input: unknown): string {
  const result = revokeSslParamsSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? '' : result.error.issues.map((issue) => issue.message).join('; ');
}

describe('sectigo.revokeSSL params: exactly one target', () => {
  it('takes any one of orderNumber, certificateID or serialNumber', () => {
    expect(params({ orderNumber: 1 }).orderNumber).toBe('1');
    expect(params({ certificateID: '77' }).certificateID).toBe('77');
    expect(params({ serialNumber: 'ab' }).serialNumber).toBe('AB');
  });

  it('says so when none is given', () => {
    expect(messages({ revocationReason: 'leak' })).toBe(
      'one of orderNumber, certificateID or serialNumber is required',
    );
  });

  it('treats empty CSV cells as not given', () => {
    expect(params({ orderNumber: '', certificateID: '', serialNumber: '0a' }).serialNumber).toBe('0A');
  });

  it('names the fields when several are given', () => {
    expect(messages({ orderNumber: 1, certificateID: 2 })).toBe(
      'give only one of orderNumber, certificateID or serialNumber, not orderNumber and certificateID',
    );
    expect(messages({ orderNumber: 1, certificateID: 2, serialNumber: 'ff' })).toContain(
      'not orderNumber and certificateID and serialNumber',
    );
  });

  it('makes the given one the target', () => {
    expect(revokeSslOperation.targetOf(params({ orderNumber: '0042' }))).toEqual({
      field: 'orderNumber',
      value: '42',
    });
    expect(revokeSslOperation.targetOf(params({ certificateID: 9 }))).toEqual({
      field: 'certificateID',
      value: '9',
    });
    expect(revokeSslOperation.targetOf(params({ serialNumber: '0a:ff' }))).toEqual({
      field: 'serialNumber',
      value: '0AFF',
    });
  });
});

describe('buildRevokeSslForm', () => {
  it('sends the login, the target, the reason and the format', () => {
    const form = buildRevokeSslForm(
      formAccount(),
      params({ orderNumber: 123, revocationReason: 'key leaked' }),
    );
    expect([...form]).toEqual([
      ['loginName', 'reseller-api'],
      ['loginPassword', PASSWORD],
      ['orderNumber', '123'],
      ['revocationReason', 'key leaked'],
      ['responseFormat', '1'],
    ]);
  });

  it('sends a SASP session instead of the login when the account has one', () => {
    const form = buildRevokeSslForm(formAccount({ credentials: SASP }), params({ certificateID: 5 }));
    expect(form.get('saspSessionID')).toBe('SASP0123456789AB');
    expect(form.has('loginName')).toBe(false);
    expect(form.has('loginPassword')).toBe(false);
  });

  it('sends test=Y when the account rehearses, whatever the job says', () => {
    const form = buildRevokeSslForm(formAccount({ rehearsal: true }), params({ orderNumber: 1, test: 'N' }));
    expect(form.getAll('test')).toEqual(['Y']);
  });

  it('sends test=Y when the job asks for it, and nothing when it does not', () => {
    expect(buildRevokeSslForm(formAccount(), params({ orderNumber: 1, test: true })).get('test')).toBe('Y');
    expect(buildRevokeSslForm(formAccount(), params({ orderNumber: 1, test: 'n' })).has('test')).toBe(false);
    expect(buildRevokeSslForm(formAccount(), params({ orderNumber: 1 })).has('test')).toBe(false);
  });

  it('sends codeReason only when given (v1.07 does not list it)', () => {
    expect(buildRevokeSslForm(formAccount(), params({ orderNumber: 1 })).has('codeReason')).toBe(false);
    expect(
      buildRevokeSslForm(formAccount(), params({ orderNumber: 1, codeReason: '1' })).get('codeReason'),
    ).toBe('1');
  });

  it('sends the serial upper-case without colons', () => {
    expect(
      buildRevokeSslForm(formAccount(), params({ serialNumber: 'de:ad:be:ef' })).get('serialNumber'),
    ).toBe('DEADBEEF');
  });
});

describe('sectigo.revokeSSL execute', () => {
  it('posts the form to !AutoRevokeSSL and reads a url-encoded success', async () => {
    const transport = fakeTransport(answer('errorCode=0', { latencyMs: 40 }));
    const outcome = await revokeSslOperation.execute(sectigoAccount(transport), params({ orderNumber: 42 }));
    expect(outcome).toMatchObject({
      class: 'done',
      vendor: 'sectigo',
      code: '0',
      httpStatus: 200,
      latencyMs: 40,
      mayHaveTakenEffect: false,
      learned: {},
    });
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0]).toMatchObject({
      method: 'POST',
      path: '!AutoRevokeSSL',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(transport.form().get('orderNumber')).toBe('42');
  });

  it('reads format 0 when the job asks for it', async () => {
    const transport = fakeTransport(answer('-21\nThe certificate has already been revoked!\n'));
    const outcome = await revokeSslOperation.execute(
      sectigoAccount(transport),
      params({ serialNumber: 'ab', responseFormat: 0 }),
    );
    expect(transport.form().get('responseFormat')).toBe('0');
    expect(outcome).toMatchObject({
      class: 'permanent',
      code: '-21',
      message: 'The certificate has already been revoked!',
      learned: { alreadyRevoked: true },
    });
  });

  it('reads -26 (being issued) as transient', async () => {
    const transport = fakeTransport(
      answer('errorCode=-26&errorMessage=The+certificate+is+currently+being+issued%21'),
    );
    const outcome = await revokeSslOperation.execute(sectigoAccount(transport), params({ orderNumber: 1 }));
    expect(outcome).toMatchObject({ class: 'transient', code: '-26' });
  });

  it('turns a network fault into a transient outcome', async () => {
    const transport = fakeTransport(fault({ code: 'CA_ERR_RESET', mayHaveReachedVendor: true }));
    const outcome = await revokeSslOperation.execute(sectigoAccount(transport), params({ orderNumber: 1 }));
    expect(outcome).toMatchObject({ class: 'transient', code: 'CA_ERR_RESET', mayHaveTakenEffect: true });
  });

  it('authenticates with the SASP session when the account has one', async () => {
    const transport = fakeTransport(answer('errorCode=0'));
    await revokeSslOperation.execute(
      sectigoAccount(transport, { credentials: SASP }),
      params({ orderNumber: 1 }),
    );
    expect(transport.form().get('saspSessionID')).toBe('SASP0123456789AB');
    expect(transport.form().has('loginPassword')).toBe(false);
  });

  it('refuses invalid job data without calling the vendor', async () => {
    const transport = fakeTransport();
    const bad = { orderNumber: '1', certificateID: '2' } as unknown as RevokeSslParams;
    const outcome = await revokeSslOperation.execute(sectigoAccount(transport), bad);
    expect(outcome).toMatchObject({ class: 'permanent', code: 'CA_ERR_PARAMS' });
    expect(outcome.message).toContain('give only one of orderNumber, certificateID or serialNumber');
    expect(transport.requests).toHaveLength(0);
  });

  it('halts on credentials over their limits without calling the vendor or showing them', async () => {
    const transport = fakeTransport();
    const account = sectigoAccount(transport, { credentials: { saspSessionID: 'TOO-LONG-SESSION-ID' } });
    const outcome = await revokeSslOperation.execute(account, params({ orderNumber: 1 }));
    expect(outcome).toMatchObject({ class: 'halt', code: 'CA_ERR_PARAMS' });
    expect(outcome.message).toContain('saspSessionID must be at most 16 characters');
    expect(outcome.message).not.toContain('TOO-LONG');
    expect(transport.requests).toHaveLength(0);
  });

  it('passes the abort signal to the transport', async () => {
    const transport = fakeTransport(fault({ code: 'CA_ERR_ABORTED', mayHaveReachedVendor: false }));
    const controller = new AbortController();
    const outcome = await revokeSslOperation.execute(sectigoAccount(transport), params({ orderNumber: 1 }), {
      signal: controller.signal,
    });
    expect(transport.requests[0]?.signal).toBe(controller.signal);
    expect(outcome).toMatchObject({ class: 'transient', code: 'CA_ERR_ABORTED', mayHaveTakenEffect: false });
  });
});
