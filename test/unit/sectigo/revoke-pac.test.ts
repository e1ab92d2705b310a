import { describe, expect, it } from 'vitest';
import {
  buildRevokePacForm,
  type RevokePacParams,
  revokePacOperation,
  revokePacParamsSchema,
} from '../../../src/vendors/sectigo/revoke-pac.ts';
import { answer, fakeTransport, formAccount, PASSWORD, sectigoAccount } from './fake-transport.ts';

function params(input: unknown): RevokePacParams {
  return revokePacParamsSchema.parse(input);
}

describe('buildRevokePacForm', () => {
  it('sends the order, the required reason and codeReason 0, and no responseFormat', () => {
    const form = buildRevokePacForm(
      formAccount(),
      params({ orderNumber: 314, revocationReason: 'decommissioned' }),
    );
    expect([...form]).toEqual([
      ['loginName', 'reseller-api'],
      ['loginPassword', PASSWORD],
      ['orderNumber', '314'],
      ['revocationReason', 'decommissioned'],
      ['codeReason', '0'],
    ]);
  });

  it('sends the reseller accountID, the code reason and test when given', () => {
    const form = buildRevokePacForm(
      formAccount(),
      params({ orderNumber: 1, revocationReason: 'leak', accountID: 12, codeReason: '1', test: 'Y' }),
    );
    expect(Object.fromEntries(form)).toMatchObject({ accountID: '12', codeReason: '1', test: 'Y' });
  });

  it('sends test=Y under rehearsal', () => {
    expect(
      buildRevokePacForm(
        formAccount({ rehearsal: true }),
        params({ orderNumber: 1, revocationReason: 'x' }),
      ).get('test'),
    ).toBe('Y');
  });
});

describe('sectigo.revokePAC', () => {
  it('targets the order', () => {
    expect(revokePacOperation.targetOf(params({ orderNumber: '77', revocationReason: 'x' }))).toEqual({
      field: 'orderNumber',
      value: '77',
    });
  });

  it('posts to !AutoRevokePAC and reads the lines success', async () => {
    const transport = fakeTransport(answer('0\n'));
    const outcome = await revokePacOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 1, revocationReason: 'x' }),
    );
    expect(transport.requests[0]?.path).toBe('!AutoRevokePAC');
    expect(outcome).toMatchObject({ class: 'done', code: '0' });
  });

  it('reads -43 (not revocable) as permanent with the vendor message', async () => {
    const transport = fakeTransport(answer('-43\nCertificate is not in a revocable state.'));
    const outcome = await revokePacOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 1, revocationReason: 'x' }),
    );
    expect(outcome).toMatchObject({
      class: 'permanent',
      code: '-43',
      message: 'Certificate is not in a revocable state.',
    });
  });

  it('still reads a url-encoded answer should the vendor send one', async () => {
    const transport = fakeTransport(answer('errorCode=-20&errorMessage=already+rejected'));
    const outcome = await revokePacOperation.execute(
      sectigoAccount(transport),
      params({ orderNumber: 1, revocationReason: 'x' }),
    );
    expect(outcome).toMatchObject({ class: 'permanent', code: '-20', learned: { alreadyRejected: true } });
  });
});
