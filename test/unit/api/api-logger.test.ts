/**
 * The API's logger: its own, narrower redaction (the paths where a secret can appear in what the
 * API logs) still censors the Authorization and Cookie headers of the request log and the
 * project's secret field names at the top of a log object.
 */
import { describe, expect, it } from 'vitest';
import type { TokenBook } from '../../../src/api/api-tokens.ts';
import { apiLogger } from '../../../src/api/request-log.ts';
import { createLogger } from '../../../src/logger.ts';

const book: TokenBook = { match: () => undefined };

describe('the API logger', () => {
  it('censors the request headers that carry a token or a session, and secret fields', () => {
    const lines: string[] = [];
    const logger = apiLogger(
      createLogger({ destination: { write: (line: string) => void lines.push(line) } }),
      book,
    );
    const request = {
      method: 'GET',
      url: '/v1/accounts',
      ip: '127.0.0.1',
      headers: {
        authorization: 'Bearer secret-token-in-a-header-0123456789',
        cookie: 'revoker_session=secret-session-id',
        'user-agent': 'curl/8',
        'x-api-key': 'never-logged-at-all',
      },
    };
    // fastify hands its request to the `req` serializer as this.
    logger.info({ req: request as never }, 'incoming request');
    logger.info({ loginPassword: 'pw', apiKey: 'k', credentials: { apiKey: 'k2' } }, 'oops');
    const text = lines.join('');
    for (const secret of [
      'secret-token-in-a-header',
      'secret-session-id',
      'never-logged-at-all',
      '"pw"',
      '"k"',
      '"k2"',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    const first = JSON.parse(lines[0] ?? '{}') as { req: { url: string; headers: Record<string, string> } };
    expect(first.req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'user-agent': 'curl/8',
    });
    expect(first.req.url).toBe('/v1/accounts');
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ loginPassword: '[redacted]', apiKey: '[redacted]' });
  });
});
