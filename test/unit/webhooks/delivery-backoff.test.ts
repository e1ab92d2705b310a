import { describe, expect, it } from 'vitest';
import {
  deliveryDelayMs,
  nominalDelayMs,
  parseRetryAfterMs,
  retryHorizonMs,
} from '../../../src/webhooks/delivery-backoff.ts';

const DEFAULTS = { attempts: 30, baseDelayMs: 5_000, maxDelayMs: 3_600_000 };
const HOUR = 3_600_000;

describe('webhook delivery backoff', () => {
  it('doubles from the base delay and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => nominalDelayMs(n, DEFAULTS))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(nominalDelayMs(11, DEFAULTS)).toBe(HOUR);
    expect(nominalDelayMs(500, DEFAULTS)).toBe(HOUR);
  });

  it('with the defaults, keeps trying for at least 15 hours (a receiver down for an hour loses nothing)', () => {
    const horizon = retryHorizonMs(DEFAULTS);
    expect(horizon.min).toBeGreaterThanOrEqual(15 * HOUR);
    expect(horizon.max).toBeLessThanOrEqual(21 * HOUR);
    // The last attempt is at least an hour after a receiver went down at the first failure.
    expect(horizon.min).toBeGreaterThan(HOUR);
  });

  it('jitters each wait down by at most a quarter, never up', () => {
    expect(deliveryDelayMs(3, DEFAULTS, undefined, () => 0)).toBe(15_000);
    expect(deliveryDelayMs(3, DEFAULTS, undefined, () => 0.999999)).toBe(19_999);
    for (let i = 0; i < 100; i++) {
      const d = deliveryDelayMs(5, DEFAULTS);
      expect(d).toBeGreaterThanOrEqual(60_000);
      expect(d).toBeLessThanOrEqual(80_000);
    }
  });

  it("waits longer when the receiver's Retry-After asks, never beyond the cap", () => {
    expect(deliveryDelayMs(1, DEFAULTS, 120_000, () => 0)).toBe(120_000);
    expect(deliveryDelayMs(1, DEFAULTS, 1_000, () => 0)).toBe(3_750);
    expect(deliveryDelayMs(1, DEFAULTS, 10 * HOUR, () => 0)).toBe(HOUR);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfterMs('120')).toBe(120_000);
    expect(
      parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')),
    ).toBe(60_000);
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});
