import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/logger.ts';

function capture(level: LogLevel = 'info', name?: string) {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    name,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRETS = [
  'pw-LOGIN-123',
  'sasp-SESSION-456',
  'key-APIKEY-789',
  'devkey-HEADER-0',
  'Bearer tok-AUTH-1',
];

describe('createLogger', () => {
  it('writes JSON lines with the level, name and message to the given stream', () => {
    const { logger, records } = capture('info', 'worker');
    logger.info({ account: 'acme', jobId: 'acme~sectigo.revokeSSL~orderNumber~1' }, 'revoked');
    logger.debug('hidden at info');
    expect(records()).toEqual([
      expect.objectContaining({
        level: 30,
        name: 'worker',
        account: 'acme',
        msg: 'revoked',
        time: expect.any(String),
      }),
    ]);
  });

  it('never writes a password, session id, API key or auth header, at any usual depth', () => {
    const { logger, lines } = capture('trace');
    logger.info({ loginPassword: SECRETS[0], saspSessionID: SECRETS[1], apiKey: SECRETS[2] }, 'top level');
    logger.info(
      { account: { credentials: { loginName: 'u', loginPassword: SECRETS[0] } } },
      'nested account',
    );
    logger.info({ credentials: { apiKey: SECRETS[2], anything: SECRETS[1] } }, 'credentials object');
    logger.info(
      {
        req: { headers: { 'x-dc-devkey': SECRETS[3], 'X-DC-DEVKEY': SECRETS[3], authorization: SECRETS[4] } },
      },
      'request headers',
    );
    logger.info({ 'X-DC-DEVKEY': SECRETS[3], Authorization: SECRETS[4] }, 'headers at the top');
    logger.info({ call: { form: { loginName: 'u', loginPassword: SECRETS[0] } } }, 'form');
    logger.info({ a: { b: { c: { apiKey: SECRETS[2] } } } }, 'depth 3');
    logger.child({ credentials: { loginPassword: SECRETS[0] } }).warn('child bindings');

    const output = lines.join('');
    expect(lines).toHaveLength(8);
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(output.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(14);
    // Fields that are not secrets stay readable.
    expect(output).toContain('"loginName":"u"');
  });

  it('rejects an unknown level naming the option', () => {
    expect(() => createLogger({ level: 'verbose' as LogLevel })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_ERR_INVALID',
        message: expect.stringMatching(/^level: expected one of fatal/),
      }),
    );
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture('silent');
    logger.fatal('nothing');
    expect(lines).toEqual([]);
  });
});
