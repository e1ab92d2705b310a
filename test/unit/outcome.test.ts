import { describe, expect, it } from 'vitest';
import {
  excerpt,
  outcomeFromFault,
  outcomeFromUnreadableBody,
  parseRetryAfterMs,
} from '../../src/vendors/outcome.ts';

describe('outcome', () => {
  it('makes every network fault transient and keeps whether it may have taken effect', () => {
    const sent = outcomeFromFault('sectigo', {
      kind: 'fault',
      code: 'CA_ERR_TIMEOUT',
      message: 'headers timeout',
      mayHaveReachedVendor: true,
      latencyMs: 5,
    });
    expect(sent).toMatchObject({ class: 'transient', code: 'CA_ERR_TIMEOUT', mayHaveTakenEffect: true });
    const refused = outcomeFromFault('digicert', {
      kind: 'fault',
      code: 'CA_ERR_CONNECT',
      message: 'ECONNREFUSED',
      mayHaveReachedVendor: false,
      latencyMs: 1,
    });
    expect(refused).toMatchObject({ class: 'transient', mayHaveTakenEffect: false });
  });

  it('never treats an unreadable body as success and keeps a short excerpt', () => {
    const html = `<html><body>${'x'.repeat(1000)}</body></html>`;
    const outcome = outcomeFromUnreadableBody('sectigo', 502, html, 3, 'no status line');
    expect(outcome.class).toBe('transient');
    expect(outcome.code).toBe('CA_ERR_RESPONSE');
    expect(outcome.rawExcerpt?.length).toBeLessThanOrEqual(201);
  });

  it('folds white space in excerpts', () => {
    expect(excerpt('a\n\n  b\tc')).toBe('a b c');
  });

  it('parses Retry-After as seconds or as a date', () => {
    expect(parseRetryAfterMs('7')).toBe(7000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});
