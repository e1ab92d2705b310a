import { describe, expect, it } from 'vitest';
import type { SectigoCredentials } from '../../../src/vendors/operation.ts';
import { credentialFields } from '../../../src/vendors/sectigo/credentials.ts';

describe('credentialFields', () => {
  it('gives the login fields in wire order, and the SASP session only where the endpoint takes one', () => {
    const login = { loginName: 'acme', loginPassword: 'pw' };
    expect(credentialFields(login, true)).toEqual({
      ok: true,
      value: [
        ['loginName', 'acme'],
        ['loginPassword', 'pw'],
      ],
    });
    const sasp = { saspSessionID: 'session' };
    expect(credentialFields(sasp, true)).toEqual({ ok: true, value: [['saspSessionID', 'session']] });
    expect(credentialFields(sasp, false)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a saspSessionID/),
    });
  });

  it('answers the same for the same object twice, and sees a value changed in place (the check is kept per object)', () => {
    const credentials = { loginName: 'acme', loginPassword: 'pw' } as SectigoCredentials &
      Record<string, unknown>;
    const first = credentialFields(credentials, true);
    expect(credentialFields(credentials, true)).toBe(first);
    credentials.loginPassword = 'x'.repeat(1000);
    expect(credentialFields(credentials, true)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/loginPassword must be at most/),
    });
    credentials.loginPassword = 'new';
    expect(credentialFields(credentials, true)).toMatchObject({
      ok: true,
      value: [
        ['loginName', 'acme'],
        ['loginPassword', 'new'],
      ],
    });
    credentials.extra = 'field';
    expect(credentialFields(credentials, true).ok).toBe(false);
  });
});
