import { describe, expect, it } from 'vitest';
import { type ConfigOverrides, loadConfig, parseConfig, type RevokerConfig } from '../../src/config.ts';
import { isRevokerError, type RevokerError } from '../../src/errors.ts';

const sectigo = (extra: Record<string, unknown> = {}) => ({
  vendor: 'sectigo',
  credentials: { loginName: 'api-user', loginPassword: { env: 'ACME_PASSWORD' } },
  ...extra,
});
const digicert = (extra: Record<string, unknown> = {}) => ({
  vendor: 'digicert',
  credentials: { apiKey: { file: '/run/secrets/dc-key' } },
  ...extra,
});

function configError(
  input: unknown,
  env: Record<string, string> = {},
  overrides?: ConfigOverrides,
): RevokerError {
  try {
    parseConfig(input, env, { overrides });
  } catch (error) {
    if (isRevokerError(error, 'CONFIG_ERR_INVALID')) return error;
    throw error;
  }
  throw new Error('expected a CONFIG_ERR_INVALID error');
}

function issues(error: RevokerError): { path: string; message: string }[] {
  return error.details.issues as { path: string; message: string }[];
}

describe('parseConfig: defaults', () => {
  it('fills every default for an empty file', () => {
    const config = parseConfig({}, {});
    expect(config).toEqual({
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'revoker' },
      accounts: {},
      retry: { attempts: 8, baseDelayMs: 1000, maxDelayMs: 300_000 },
      retention: { days: 30 },
      api: {
        port: 8080,
        host: '127.0.0.1',
        bodyLimitBytes: 1_048_576,
        batchBodyLimitBytes: 268_435_456,
        idempotencyTtlSeconds: 86_400,
        tokens: [],
      },
      webhooks: [],
      schedules: [],
    });
  });

  it('gives a Sectigo account the conservative rate limit and its other defaults', () => {
    const config = parseConfig({ accounts: { acme: sectigo() } }, {});
    expect(config.accounts.acme).toEqual({
      vendor: 'sectigo',
      baseUrl: 'https://secure.trust-provider.com/products/',
      credentials: { loginName: 'api-user', loginPassword: { env: 'ACME_PASSWORD' } },
      rateLimit: { max: 5, durationMs: 1000, marginMs: 100, maxWaitMs: 1_800_000 },
      concurrency: 10,
      rehearsal: false,
      timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 },
      rateLimitWaitMs: 60_000,
    });
  });

  it('gives a DigiCert account 5 per second (under both documented DigiCert limits) and its approval defaults', () => {
    const config = parseConfig({ accounts: { dc: digicert() } }, {});
    expect(config.accounts.dc).toEqual({
      vendor: 'digicert',
      baseUrl: 'https://www.digicert.com/services/v2',
      credentials: { apiKey: { file: '/run/secrets/dc-key' } },
      rateLimit: { max: 5, durationMs: 1000, marginMs: 100, maxWaitMs: 1_800_000 },
      concurrency: 10,
      skipApproval: false,
      autoApprove: false,
      approvalPollIntervalMs: 60_000,
      rehearsal: false,
      timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 },
      rateLimitWaitMs: 60_000,
    });
  });

  it('fills a partly given nested object from the vendor defaults', () => {
    const config = parseConfig({ accounts: { dc: digicert({ rateLimit: { max: 20 } }), s: sectigo() } }, {});
    expect(config.accounts.dc?.rateLimit).toEqual({
      max: 20,
      durationMs: 1000,
      marginMs: 100,
      maxWaitMs: 1_800_000,
    });
    expect(config.accounts.s?.rateLimit).toEqual({
      max: 5,
      durationMs: 1000,
      marginMs: 100,
      maxWaitMs: 1_800_000,
    });
  });

  it('accepts a SASP session id instead of a login', () => {
    const config = parseConfig(
      { accounts: { acme: { vendor: 'sectigo', credentials: { saspSessionID: { env: 'SASP' } } } } },
      {},
    );
    expect(config.accounts.acme?.credentials).toEqual({ saspSessionID: { env: 'SASP' } });
  });
});

describe('parseConfig: secrets are references only', () => {
  it('rejects a literal password, says what to write instead, and never repeats the value', () => {
    const error = configError({
      accounts: {
        acme: sectigo({ credentials: { loginName: 'api-user', loginPassword: 'hunter2-secret' } }),
      },
    });
    expect(issues(error)).toEqual([
      {
        path: 'accounts.acme.credentials.loginPassword',
        message: expect.stringContaining('{ "env": "REVOKER_ACME_LOGIN_PASSWORD" }'),
      },
    ]);
    expect(error.message).toContain('a secret cannot be written in the config file');
    expect(error.message).toContain('{ "file": "/run/secrets/acme-login-password" }');
    expect(error.message).not.toContain('hunter2-secret');
    expect(JSON.stringify(error.details)).not.toContain('hunter2-secret');
  });

  it('rejects a literal DigiCert API key and a literal SASP session id the same way', () => {
    const error = configError({
      accounts: {
        dc: digicert({ credentials: { apiKey: 'k-123' } }),
        s: { vendor: 'sectigo', credentials: { saspSessionID: 'sess-9' } },
      },
    });
    expect(issues(error).map((i) => i.path)).toEqual([
      'accounts.dc.credentials.apiKey',
      'accounts.s.credentials.saspSessionID',
    ]);
    expect(error.message).toContain('REVOKER_DC_API_KEY');
    expect(error.message).toContain('REVOKER_S_SASP_SESSION_ID');
    expect(error.message).not.toMatch(/k-123|sess-9/);
  });

  it('allows loginName as plain text (it is not a secret)', () => {
    expect(parseConfig({ accounts: { acme: sectigo() } }, {}).accounts.acme?.credentials).toMatchObject({
      loginName: 'api-user',
    });
  });

  it('rejects a reference with both env and file, or a bad variable name', () => {
    const error = configError({
      accounts: {
        a: digicert({ credentials: { apiKey: { env: 'K', file: '/k' } } }),
        b: digicert({ credentials: { apiKey: { env: 'NOT-A-NAME' } } }),
      },
    });
    expect(issues(error)).toEqual([
      { path: 'accounts.a.credentials.apiKey', message: expect.stringContaining('exactly one') },
      { path: 'accounts.b.credentials.apiKey.env', message: expect.stringContaining('environment variable') },
    ]);
  });

  it('requires a password with the login name, and refuses a session id next to a login', () => {
    expect(issues(configError({ accounts: { a: sectigo({ credentials: { loginName: 'u' } }) } }))).toEqual([
      { path: 'accounts.a.credentials.loginPassword', message: expect.stringContaining('required') },
    ]);
    const both = configError({
      accounts: { a: sectigo({ credentials: { loginName: 'u', saspSessionID: { env: 'S' } } }) },
    });
    expect(issues(both)).toEqual([
      { path: 'accounts.a.credentials.saspSessionID', message: expect.stringContaining('not both') },
    ]);
  });
});

describe('parseConfig: field rules', () => {
  it('rejects an http baseUrl, naming the field', () => {
    const error = configError({
      accounts: { acme: sectigo({ baseUrl: 'http://secure.trust-provider.com/products/' }) },
    });
    expect(issues(error)).toEqual([
      { path: 'accounts.acme.baseUrl', message: expect.stringContaining('https://') },
    ]);
    expect(error.message).toContain('accounts.acme.baseUrl: must be an https:// URL');
  });

  it('rejects a baseUrl that is not a URL', () => {
    expect(issues(configError({ accounts: { dc: digicert({ baseUrl: 'digicert' }) } }))[0]?.path).toBe(
      'accounts.dc.baseUrl',
    );
  });

  it('says "expected a positive integer" with the full path', () => {
    const error = configError({ accounts: { acme: sectigo({ rateLimit: { max: 0 }, concurrency: 1.5 }) } });
    expect(error.message).toContain('accounts.acme.rateLimit.max: expected a positive integer');
    expect(error.message).toContain('accounts.acme.concurrency: expected a positive integer');
  });

  it('rejects unknown keys and suggests the key that was meant', () => {
    const error = configError({ accounts: { acme: sectigo({ rateLimt: { max: 1 } }) }, retrys: {} });
    expect(issues(error)).toEqual(
      expect.arrayContaining([
        { path: 'accounts.acme', message: 'unknown key "rateLimt" (did you mean "rateLimit"?)' },
        { path: '(root)', message: 'unknown key "retrys" (did you mean "retry"?)' },
      ]),
    );
  });

  it('lists the allowed keys when no key is close, e.g. testMode on a DigiCert account', () => {
    const error = configError({ accounts: { dc: digicert({ testMode: true }) } });
    expect(issues(error)).toEqual([
      {
        path: 'accounts.dc',
        message: expect.stringMatching(/^unknown key "testMode" \(allowed here: vendor, baseUrl/),
      },
    ]);
  });

  it('accepts rehearsal on a DigiCert account (its items are validated, never sent)', () => {
    const config = parseConfig({ accounts: { dc: digicert({ rehearsal: true }) } }, {});
    expect(config.accounts.dc?.rehearsal).toBe(true);
  });

  it.each(['has space', 'a:b', 'x'.repeat(65), 'dot.name'])('rejects the account name %j', (name) => {
    const error = configError({ accounts: { [name]: sectigo() } });
    expect(issues(error)).toEqual([
      { path: expect.stringContaining('accounts'), message: expect.stringContaining('account names are') },
    ]);
  });

  it('accepts account names of letters, digits, _ and -', () => {
    expect(Object.keys(parseConfig({ accounts: { 'Acme_prod-2': sectigo() } }, {}).accounts)).toEqual([
      'Acme_prod-2',
    ]);
  });

  it('rejects an unknown vendor', () => {
    expect(issues(configError({ accounts: { acme: { vendor: 'verisign' } } }))).toEqual([
      { path: 'accounts.acme.vendor', message: 'expected "sectigo" or "digicert"' },
    ]);
  });

  it('rejects a prefix with a hash tag (the single-slot layout) and says what to write', () => {
    const error = configError({ redis: { prefix: '{revoker}' } });
    expect(issues(error)).toEqual([
      { path: 'redis.prefix', message: expect.stringContaining('"{revoker}" → "revoker"') },
    ]);
    expect(issues(error)[0]?.message).toContain('Migrating from the single-slot layout');
    expect(parseConfig({ redis: { prefix: 'revoker-prod' } }, {}).redis.prefix).toBe('revoker-prod');
    expect(issues(configError({ redis: { prefix: 'has space' } }))[0]?.path).toBe('redis.prefix');
    expect(issues(configError({ redis: { prefix: '' } }))[0]?.path).toBe('redis.prefix');
  });

  it('rejects a Redis URL that is not redis:// or rediss://', () => {
    expect(issues(configError({ redis: { url: 'http://localhost:6379' } }))[0]?.path).toBe('redis.url');
    expect(parseConfig({ redis: { url: 'rediss://cache:6380/2' } }, {}).redis.url).toBe(
      'rediss://cache:6380/2',
    );
  });

  it('rejects a retry cap below the base delay', () => {
    expect(issues(configError({ retry: { baseDelayMs: 5000, maxDelayMs: 1000 } }))).toEqual([
      { path: 'retry.maxDelayMs', message: 'must be at least retry.baseDelayMs' },
    ]);
  });

  it('reports every problem at once', () => {
    const error = configError({
      redis: { prefix: '{x}' },
      accounts: { acme: sectigo({ baseUrl: 'http://x.test' }), dc: digicert({ concurrency: 0 }) },
      retry: { attempts: 0 },
    });
    expect(issues(error).map((i) => i.path)).toEqual([
      'redis.prefix',
      'accounts.acme.baseUrl',
      'accounts.dc.concurrency',
      'retry.attempts',
    ]);
  });

  it('rejects a file that is not an object', () => {
    expect(issues(configError([]))).toEqual([{ path: '(root)', message: 'expected a JSON object' }]);
  });
});

describe('parseConfig: layers and freezing', () => {
  it('lets REDIS_URL override redis.url from the file', () => {
    const config = parseConfig({ redis: { url: 'redis://file:6379' } }, { REDIS_URL: 'redis://env:6379' });
    expect(config.redis.url).toBe('redis://env:6379');
    expect(config.redis.prefix).toBe('revoker');
  });

  it('ignores an empty REDIS_URL', () => {
    expect(parseConfig({ redis: { url: 'redis://file:1' } }, { REDIS_URL: '' }).redis.url).toBe(
      'redis://file:1',
    );
  });

  it('lets explicit overrides win over the environment and the file, skipping undefined values', () => {
    const config = parseConfig(
      { redis: { url: 'redis://file:1' }, accounts: { acme: sectigo({ concurrency: 3 }) } },
      { REDIS_URL: 'redis://env:1' },
      {
        overrides: {
          redis: { url: 'redis://flag:1', prefix: undefined },
          accounts: { acme: { concurrency: 7 } },
        },
      },
    );
    expect(config.redis).toEqual({ url: 'redis://flag:1', prefix: 'revoker' });
    expect(config.accounts.acme?.concurrency).toBe(7);
    expect(config.accounts.acme?.credentials).toEqual({
      loginName: 'api-user',
      loginPassword: { env: 'ACME_PASSWORD' },
    });
  });

  it('validates overrides like the file', () => {
    expect(issues(configError({}, {}, { retry: { attempts: -1 } }))[0]?.path).toBe('retry.attempts');
  });

  it('returns a deeply frozen object', () => {
    const config = parseConfig({ accounts: { acme: sectigo() } }, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.accounts.acme?.rateLimit)).toBe(true);
    expect(Object.isFrozen(config.accounts.acme?.credentials)).toBe(true);
    expect(() => {
      (config.redis as { url: string }).url = 'redis://elsewhere';
    }).toThrow(TypeError);
  });

  it('does not share default objects between two parses', () => {
    const a = parseConfig({ accounts: { x: sectigo() } }, {});
    const b = parseConfig({ accounts: { x: sectigo({ rateLimit: { max: 1 } }) } }, {});
    expect(a.accounts.x?.rateLimit.max).toBe(5);
    expect(b.accounts.x?.rateLimit.max).toBe(1);
  });

  it('resolves relative caFile and secret file paths against baseDir', () => {
    const config = parseConfig(
      {
        accounts: {
          dc: digicert({ caFile: 'ca.pem', credentials: { apiKey: { file: 'secrets/dc' } } }),
          s: sectigo({ caFile: '/abs/ca.pem' }),
        },
      },
      {},
      { baseDir: '/etc/revoker' },
    );
    expect(config.accounts.dc?.caFile).toBe('/etc/revoker/ca.pem');
    expect(config.accounts.dc?.credentials).toEqual({ apiKey: { file: '/etc/revoker/secrets/dc' } });
    expect(config.accounts.s?.caFile).toBe('/abs/ca.pem');
    expect(config.accounts.s?.credentials).toEqual({
      loginName: 'api-user',
      loginPassword: { env: 'ACME_PASSWORD' },
    });
  });
});

describe('loadConfig', () => {
  const files = (contents: Record<string, string>) => {
    const read: string[] = [];
    return {
      read,
      readFile: async (path: string) => {
        read.push(path);
        const text = contents[path];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
        return text;
      },
    };
  };

  it('reads the path given, with env and overrides on top', async () => {
    const fs = files({ '/etc/revoker/revoker.json': JSON.stringify({ accounts: { acme: sectigo() } }) });
    const config: RevokerConfig = await loadConfig({
      path: '/etc/revoker/revoker.json',
      env: { REDIS_URL: 'redis://env:1' },
      overrides: { retry: { attempts: 2 } },
      readFile: fs.readFile,
    });
    expect(fs.read).toEqual(['/etc/revoker/revoker.json']);
    expect(config.redis.url).toBe('redis://env:1');
    expect(config.retry.attempts).toBe(2);
    expect(config.accounts.acme?.vendor).toBe('sectigo');
  });

  it('takes the path from REVOKER_CONFIG when none is given', async () => {
    const fs = files({ '/cfg/r.json': '{}' });
    await loadConfig({ env: { REVOKER_CONFIG: '/cfg/r.json' }, readFile: fs.readFile });
    expect(fs.read).toEqual(['/cfg/r.json']);
  });

  it('fails when no file is named and the default file is absent, saying where it looked', async () => {
    const fs = files({});
    await expect(loadConfig({ env: {}, readFile: fs.readFile })).rejects.toMatchObject({
      code: 'CONFIG_ERR_INVALID',
      message: expect.stringMatching(
        /^no configuration file: looked for \/.*revoker\.config\.json \(the default\); pass --config PATH or set REVOKER_CONFIG$/,
      ),
    });
    expect(fs.read).toEqual([expect.stringMatching(/revoker\.config\.json$/)]);
  });

  it('fails when a named file is absent', async () => {
    const fs = files({});
    await expect(loadConfig({ path: '/nope.json', env: {}, readFile: fs.readFile })).rejects.toMatchObject({
      code: 'CONFIG_ERR_INVALID',
      message: expect.stringContaining('/nope.json (ENOENT)'),
    });
  });

  it('reports bad JSON with the path, line and column', async () => {
    const fs = files({ '/c.json': '{\n  "redis": {\n    "url": "redis://x",,\n  }\n}' });
    await expect(loadConfig({ path: '/c.json', env: {}, readFile: fs.readFile })).rejects.toMatchObject({
      code: 'CONFIG_ERR_INVALID',
      message: expect.stringMatching(/^\/c\.json: not valid JSON at line 3, column 24/),
    });
  });

  it('names the file in validation errors and resolves relative paths against its folder', async () => {
    const fs = files({
      '/etc/revoker/c.json': JSON.stringify({
        accounts: { dc: digicert({ credentials: { apiKey: { file: 'key' } } }) },
      }),
      '/etc/revoker/bad.json': JSON.stringify({ accounts: { dc: digicert({ baseUrl: 'http://x' }) } }),
    });
    const config = await loadConfig({ path: '/etc/revoker/c.json', env: {}, readFile: fs.readFile });
    expect(config.accounts.dc?.credentials).toEqual({ apiKey: { file: '/etc/revoker/key' } });
    await expect(
      loadConfig({ path: '/etc/revoker/bad.json', env: {}, readFile: fs.readFile }),
    ).rejects.toThrow(/^invalid configuration \(\/etc\/revoker\/bad\.json\):\n {2}accounts\.dc\.baseUrl: /);
  });

  it('accepts a file that starts with a byte order mark', async () => {
    const fs = files({ '/c.json': '\uFEFF{"retry":{"attempts":3}}' });
    expect((await loadConfig({ path: '/c.json', env: {}, readFile: fs.readFile })).retry.attempts).toBe(3);
  });
});

describe('parseConfig: the api section (revoker serve)', () => {
  const token = (extra: Record<string, unknown> = {}) => ({
    name: 'pipeline',
    token: { env: 'REVOKER_API_TOKEN' },
    scopes: ['submit', 'read'],
    ...extra,
  });

  it('takes tokens by reference with their scopes, and resolves a relative token file against the config', () => {
    const config = parseConfig(
      {
        api: {
          port: 9000,
          host: '0.0.0.0',
          tokens: [token(), token({ name: 'ops', token: { file: 'secrets/ops' } })],
        },
      },
      {},
      { baseDir: '/etc/revoker' },
    );
    expect(config.api.port).toBe(9000);
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.api.tokens.map((t) => [t.name, t.token, t.scopes])).toEqual([
      ['pipeline', { env: 'REVOKER_API_TOKEN' }, ['submit', 'read']],
      ['ops', { file: '/etc/revoker/secrets/ops' }, ['submit', 'read']],
    ]);
  });

  it('refuses a token written in the file, saying how to reference it', () => {
    const error = configError({ api: { tokens: [token({ token: 'plain-text-token' })] } });
    expect(issues(error)).toEqual([
      {
        path: 'api.tokens[0].token',
        message: expect.stringContaining('write { "env": "REVOKER_API_TOKEN" }'),
      },
    ]);
    expect(error.message).not.toContain('plain-text-token');
  });

  it('names each bad field: scopes, port, names, limits, unknown keys', () => {
    const error = configError({
      api: {
        port: 70_000,
        bodyLimitBytes: 0,
        tokens: [token({ scopes: ['write'] }), token({ name: 'has space', scopes: [] })],
        tokenz: [],
      },
    });
    expect(issues(error)).toEqual(
      expect.arrayContaining([
        { path: 'api.port', message: 'expected a port number (0 to 65535)' },
        { path: 'api.bodyLimitBytes', message: 'expected a positive number of bytes' },
        { path: 'api.tokens[0].scopes[0]', message: 'expected "submit", "read" or "admin"' },
        { path: 'api.tokens[1].name', message: expect.stringContaining('token names are 1 to 64') },
        { path: 'api.tokens[1].scopes', message: 'give at least one scope: "submit", "read" or "admin"' },
        { path: 'api', message: 'unknown key "tokenz" (did you mean "tokens"?)' },
      ]),
    );
  });

  it('refuses two tokens under one name', () => {
    const error = configError({ api: { tokens: [token(), token({ token: { env: 'OTHER' } })] } });
    expect(issues(error)).toEqual([{ path: 'api.tokens[1].name', message: '"pipeline" names two tokens' }]);
  });

  it('lets CLI flags override the port and host', () => {
    const config = parseConfig({ api: { port: 9000 } }, {}, { overrides: { api: { port: 0, host: '::1' } } });
    expect(config.api.port).toBe(0);
    expect(config.api.host).toBe('::1');
  });
});
