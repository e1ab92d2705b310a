import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs } from '../../../src/queue/backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 5000 };

describe('fullJitterDelayMs', () => {
  it('grows exponentially at the top of its range', () => {
    const top = (n: number) => fullJitterDelayMs(n, policy, () => 0.999999);
    expect([1, 2, 3, 4].map(top)).toEqual([99, 199, 399, 799]);
  });

  it('never exceeds the cap, even after very many attempts', () => {
    expect(fullJitterDelayMs(1000, policy, () => 0.999999)).toBeLessThan(5000);
    expect(Number.isFinite(fullJitterDelayMs(1000, policy, () => 0.5))).toBe(true);
  });

  it('spreads delays over the whole range (full jitter)', () => {
    expect(fullJitterDelayMs(3, policy, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});
