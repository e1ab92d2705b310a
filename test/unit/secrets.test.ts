import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { isRevokerError } from '../../src/errors.ts';
import { resolveAccountSecrets, resolveAllAccountSecrets, resolveSecret } from '../../src/secrets.ts';

const readFileFrom =
  (files: Record<string, string>) =>
  async (path: string): Promise<string> => {
    const text = files[path];
    if (text === undefined)
      throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    return text;
  };

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('resolveSecret', () => {
  it('reads an environment variable', async () => {
    expect(await resolveSecret({ env: 'PW' }, { env: { PW: 's3cret' } })).toBe('s3cret');
  });

  it('reads a file and drops its trailing newline only', async () => {
    const deps = {
      env: {},
      readFile: readFileFrom({ '/a': ' pass word \n', '/b': 'x\r\n', '/c': 'line1\nline2' }),
    };
    expect(await resolveSecret({ file: '/a' }, deps)).toBe(' pass word ');
    expect(await resolveSecret({ file: '/b' }, deps)).toBe('x');
    expect(await resolveSecret({ file: '/c' }, deps)).toBe('line1\nline2');
  });

  it('warns, like ssh, when a secret file is readable or writable by others, without the value', async () => {
    const warnings: string[] = [];
    const deps = {
      env: {},
      readFile: readFileFrom({ '/open': 'hunter2', '/tight': 'hunter2' }),
      fileMode: async (path: string) => (path === '/open' ? 0o100644 : 0o100600),
      onWarning: (message: string) => warnings.push(message),
    };
    await resolveSecret({ file: '/open' }, deps, 'accounts.acme.credentials.loginPassword');
    await resolveSecret({ file: '/tight' }, deps, 'accounts.acme.credentials.loginPassword');
    expect(warnings).toEqual([
      'accounts.acme.credentials.loginPassword: secret file /open is readable or writable by others (mode 644); restrict it: chmod 600 /open',
    ]);
    expect(warnings.join('')).not.toContain('hunter2');
  });

  it('fails with CONFIG_ERR_SECRET naming the field and the variable when it is unset or empty', async () => {
    for (const env of [{}, { PW: '' }]) {
      const error = await rejection(
        resolveSecret({ env: 'PW' }, { env }, 'accounts.acme.credentials.loginPassword'),
      );
      expect(isRevokerError(error, 'CONFIG_ERR_SECRET')).toBe(true);
      expect(error).toMatchObject({
        message: 'accounts.acme.credentials.loginPassword: environment variable PW is not set or empty',
        details: { account: 'acme', field: 'accounts.acme.credentials.loginPassword', env: 'PW' },
      });
    }
  });

  it('fails naming the file when it cannot be read, or is empty', async () => {
    const deps = { env: {}, readFile: readFileFrom({ '/empty': '\n' }) };
    await expect(
      resolveSecret({ file: '/missing' }, deps, 'accounts.dc.credentials.apiKey'),
    ).rejects.toMatchObject({
      code: 'CONFIG_ERR_SECRET',
      message: 'accounts.dc.credentials.apiKey: cannot read file /missing (EACCES)',
      details: { account: 'dc', file: '/missing' },
    });
    await expect(resolveSecret({ file: '/empty' }, deps)).rejects.toMatchObject({
      code: 'CONFIG_ERR_SECRET',
      message: 'secret: file /empty is empty',
    });
  });
});

describe('resolveAccountSecrets', () => {
  const config = parseConfig(
    {
      accounts: {
        acme: {
          vendor: 'sectigo',
          credentials: { loginName: 'api-user', loginPassword: { env: 'ACME_PW' } },
        },
        sasp: { vendor: 'sectigo', credentials: { saspSessionID: { file: '/run/sasp' } } },
        dc: { vendor: 'digicert', credentials: { apiKey: { file: '/run/dc' } } },
      },
    },
    {},
  );
  const deps = {
    env: { ACME_PW: 'pw-value' },
    readFile: readFileFrom({ '/run/sasp': 'sess-1\n', '/run/dc': 'key-1\n' }),
  };

  it('resolves each vendor into the credentials its calls need', async () => {
    expect(await resolveAccountSecrets('acme', config.accounts.acme!, deps)).toEqual({
      vendor: 'sectigo',
      credentials: { loginName: 'api-user', loginPassword: 'pw-value' },
    });
    expect(await resolveAccountSecrets('sasp', config.accounts.sasp!, deps)).toEqual({
      vendor: 'sectigo',
      credentials: { saspSessionID: 'sess-1' },
    });
    expect(await resolveAccountSecrets('dc', config.accounts.dc!, deps)).toEqual({
      vendor: 'digicert',
      apiKey: 'key-1',
    });
  });

  it('names the account and field of a missing secret', async () => {
    await expect(resolveAccountSecrets('acme', config.accounts.acme!, { env: {} })).rejects.toMatchObject({
      code: 'CONFIG_ERR_SECRET',
      message: 'accounts.acme.credentials.loginPassword: environment variable ACME_PW is not set or empty',
    });
  });

  it('resolves every account, or reports all failures at once without a value', async () => {
    const all = await resolveAllAccountSecrets(config.accounts, deps);
    expect([...all.keys()]).toEqual(['acme', 'sasp', 'dc']);

    const error = await rejection(
      resolveAllAccountSecrets(config.accounts, { env: { ACME_PW: 'pw-value' }, readFile: readFileFrom({}) }),
    );
    expect(isRevokerError(error, 'CONFIG_ERR_SECRET')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('2 secrets cannot be resolved');
    expect(message).toContain('accounts.sasp.credentials.saspSessionID: cannot read file /run/sasp');
    expect(message).toContain('accounts.dc.credentials.apiKey: cannot read file /run/dc');
    expect(message).not.toContain('pw-value');
  });
});
