import { describe, expect, it } from 'vitest';
import { smoothLimiter } from '../../../src/queue/smooth-limiter.ts';

/** Most jobs any sliding window of `durationMs` can start under the smoothed limiter. */
function worstCase(limit: { max: number; durationMs: number }): number {
  const { max, duration } = smoothLimiter(limit);
  return max * Math.ceil(limit.durationMs / duration);
}

describe('smoothLimiter', () => {
  it('spreads a window evenly: 50 per second becomes 1 per 20 ms', () => {
    expect(smoothLimiter({ max: 50, durationMs: 1000 })).toEqual({ max: 1, duration: 20 });
    expect(smoothLimiter({ max: 5, durationMs: 1000 })).toEqual({ max: 1, duration: 200 });
    expect(smoothLimiter({ max: 100, durationMs: 5000 })).toEqual({ max: 1, duration: 50 });
  });

  it('keeps slices of at least 10 ms for high limits, without losing their rate', () => {
    expect(smoothLimiter({ max: 100_000, durationMs: 1000 })).toEqual({ max: 1000, duration: 10 });
  });

  it('never lets a window start more than the limit, and keeps at least 90% of it', () => {
    for (const limit of [
      { max: 7, durationMs: 1000 },
      { max: 50, durationMs: 1000 },
      { max: 333, durationMs: 1000 },
      { max: 1000, durationMs: 180_000 },
      { max: 3, durationMs: 10 },
    ]) {
      const { max, duration } = smoothLimiter(limit);
      const rate = max / duration;
      expect(rate).toBeLessThanOrEqual(limit.max / limit.durationMs + 1e-9);
      expect(rate).toBeGreaterThanOrEqual((0.9 * limit.max) / limit.durationMs - 1e-9);
      expect(worstCase(limit)).toBeLessThanOrEqual(limit.max + max);
    }
  });
});
