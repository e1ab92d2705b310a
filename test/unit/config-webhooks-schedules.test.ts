import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { isRevokerError, type RevokerError } from '../../src/errors.ts';

const accounts = {
  acme: {
    vendor: 'sectigo',
    credentials: { loginName: 'api-user', loginPassword: { env: 'ACME_PASSWORD' } },
  },
};
const webhook = (extra: Record<string, unknown> = {}) => ({
  name: 'siem',
  url: 'https://hooks.example.com/revoker',
  secret: { env: 'SIEM_WEBHOOK_SECRET' },
  events: ['item.finished'],
  ...extra,
});
const schedule = (extra: Record<string, unknown> = {}) => ({
  name: 'nightly',
  cron: '0 3 * * *',
  source: '/srv/revoker/incoming',
  reportDir: '/srv/revoker/reports',
  ...extra,
});

function problems(input: Record<string, unknown>): { path: string; message: string }[] {
  try {
    parseConfig({ accounts, ...input }, {});
  } catch (error) {
    if (isRevokerError(error, 'CONFIG_ERR_INVALID')) {
      return (error as RevokerError).details.issues as { path: string; message: string }[];
    }
    throw error;
  }
  throw new Error('expected CONFIG_ERR_INVALID');
}

describe('config: webhooks', () => {
  it('fills the delivery defaults: 30 attempts from 5 s doubling to 1 h, 15 s per attempt', () => {
    const config = parseConfig({ accounts, webhooks: [webhook()] }, {});
    expect(config.webhooks).toEqual([
      {
        name: 'siem',
        url: 'https://hooks.example.com/revoker',
        secret: { env: 'SIEM_WEBHOOK_SECRET' },
        events: ['item.finished'],
        retry: { attempts: 30, baseDelayMs: 5000, maxDelayMs: 3_600_000 },
        timeoutMs: 15_000,
      },
    ]);
  });

  it('takes plain http only for a loopback receiver', () => {
    for (const url of ['http://127.0.0.1:9000/x', 'http://localhost/x', 'http://[::1]:8080/']) {
      expect(parseConfig({ accounts, webhooks: [webhook({ url })] }, {}).webhooks[0]?.url).toBe(url);
    }
    expect(problems({ webhooks: [webhook({ url: 'http://hooks.example.com/x' })] })).toEqual([
      {
        path: 'webhooks[0].url',
        message: expect.stringContaining(
          'must be an https:// URL (plain http:// only for a receiver on this host',
        ),
      },
    ]);
    expect(problems({ webhooks: [webhook({ url: 'ftp://x/' })] })[0]?.message).toContain(
      'expected an https:// URL',
    );
    expect(problems({ webhooks: [webhook({ url: 'https://user:pw@hooks.example.com/' })] })[0]).toMatchObject(
      {
        path: 'webhooks[0].url',
        message: expect.stringContaining('must not carry a user name or password'),
      },
    );
  });

  it('refuses a secret written in the file, never repeating it', () => {
    const [issue] = problems({
      webhooks: [webhook({ secret: 'whsec_c2VjcmV0LXZhbHVlLW9mLXRoZS10ZXN0LTEyMzQ=' })],
    });
    expect(issue?.path).toBe('webhooks[0].secret');
    expect(issue?.message).toContain('a secret cannot be written in the config file: write { "env": ');
    expect(issue?.message).not.toContain('c2VjcmV0');
  });

  it('names an unknown event, an empty or repeated list, and an unknown account', () => {
    expect(problems({ webhooks: [webhook({ events: ['item.done'] })] })).toEqual([
      {
        path: 'webhooks[0].events[0]',
        message: 'expected one of item.finished, batch.finished, account.halted, account.resumed',
      },
    ]);
    expect(problems({ webhooks: [webhook({ events: [] })] })[0]).toEqual({
      path: 'webhooks[0].events',
      message: 'name at least one event',
    });
    expect(
      problems({ webhooks: [webhook({ events: ['item.finished', 'item.finished'] })] })[0]?.message,
    ).toBe('an event is listed twice');
    expect(problems({ webhooks: [webhook({ accounts: ['acme', 'acne'] })] })).toEqual([
      { path: 'webhooks[0].accounts[1]', message: '"acne" is not a configured account (configured: acme)' },
    ]);
  });

  it('names a repeated webhook name, an unknown key and a retry cap below its base', () => {
    expect(problems({ webhooks: [webhook(), webhook()] })).toEqual([
      { path: 'webhooks[1].name', message: 'another webhook is named "siem" already' },
    ]);
    expect(problems({ webhooks: [webhook({ evnts: [] })] })[0]).toEqual({
      path: 'webhooks[0]',
      message: 'unknown key "evnts" (did you mean "events"?)',
    });
    expect(problems({ webhooks: [webhook({ retry: { baseDelayMs: 10_000, maxDelayMs: 1000 } })] })).toEqual([
      { path: 'webhooks[0].retry.maxDelayMs', message: 'must be at least baseDelayMs' },
    ]);
    expect(problems({ webhooks: [webhook({ name: 'has space' })] })[0]?.path).toBe('webhooks[0].name');
  });
});

describe('config: schedules', () => {
  it('reads the cron in UTC unless told, reports as JSON, and resolves relative paths against the config folder', () => {
    const config = parseConfig(
      { accounts, schedules: [schedule({ source: 'incoming', reportDir: 'reports' })] },
      {},
      { baseDir: '/etc/revoker' },
    );
    expect(config.schedules).toEqual([
      {
        name: 'nightly',
        cron: '0 3 * * *',
        tz: 'UTC',
        source: '/etc/revoker/incoming',
        reportDir: '/etc/revoker/reports',
        reportFormat: 'json',
      },
    ]);
  });

  it('takes 6-field (seconds) patterns, an account, rehearsal and a time zone', () => {
    const config = parseConfig(
      {
        accounts,
        schedules: [
          schedule({ cron: '*/10 * * * * *', tz: 'Europe/Berlin', account: 'acme', rehearsal: true }),
        ],
      },
      {},
    );
    expect(config.schedules[0]).toMatchObject({
      cron: '*/10 * * * * *',
      tz: 'Europe/Berlin',
      account: 'acme',
      rehearsal: true,
    });
  });

  it('names a bad cron pattern, a bad time zone and an unknown account', () => {
    expect(problems({ schedules: [schedule({ cron: '0 3 * *' })] })).toEqual([
      {
        path: 'schedules[0].cron',
        message: expect.stringContaining('"0 3 * *" has 4 fields: write 5 (minute hour day month weekday'),
      },
    ]);
    expect(problems({ schedules: [schedule({ cron: '61 * * * *' })] })[0]).toEqual({
      path: 'schedules[0].cron',
      message: expect.stringContaining('"61 * * * *" is not a cron pattern'),
    });
    expect(problems({ schedules: [schedule({ tz: 'Mars/Olympus_Mons' })] })).toEqual([
      {
        path: 'schedules[0].tz',
        message:
          '"Mars/Olympus_Mons" is not a time zone: write an IANA name such as "UTC" or "Europe/Berlin"',
      },
    ]);
    expect(problems({ schedules: [schedule({ account: 'other' })] })).toEqual([
      { path: 'schedules[0].account', message: '"other" is not a configured account (configured: acme)' },
    ]);
  });

  it('names missing fields, a repeated name and a bad report format', () => {
    const missing = problems({ schedules: [{ name: 'x', cron: '0 3 * * *' }] });
    expect(missing.map((p) => p.path).sort()).toEqual(['schedules[0].reportDir', 'schedules[0].source']);
    expect(problems({ schedules: [schedule(), schedule()] })).toEqual([
      { path: 'schedules[1].name', message: 'another schedule is named "nightly" already' },
    ]);
    expect(problems({ schedules: [schedule({ reportFormat: 'xml' })] })[0]).toEqual({
      path: 'schedules[0].reportFormat',
      message: 'expected "json" or "csv"',
    });
  });
});
