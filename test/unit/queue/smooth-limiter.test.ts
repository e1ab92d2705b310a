import { describe, expect, it } from 'vitest';
import { smoothLimiter } from '../../../src/queue/smooth-limiter.ts';
import { createPrng } from '../../../src/sandbox/prng.ts';

/**
 * Simulates BullMQ's fixed-window limiter with jobs always waiting (the busiest case): each
 * window opens when its first job starts, takes `max` jobs spread anywhere inside it, and the next
 * opens as soon as it closes. Each call then arrives after a random jitter in [0, jitterMs).
 * Returns the most arrivals in any half-open sliding window of `durationMs`.
 */
function busiestVendorWindow(
  limit: { max: number; durationMs: number },
  marginMs: number,
  jitterMs: number,
  seed: number,
): number {
  const limiter = smoothLimiter(limit, marginMs);
  const prng = createPrng(seed);
  const random = () => prng.next();
  const arrivals: number[] = [];
  for (let open = 0; open < limit.durationMs * 20; open += limiter.duration) {
    for (let j = 0; j < limiter.max; j++) {
      // The first job opens the window; the others start anywhere in it (worst: late).
      const start = j === 0 ? open : open + random() * limiter.duration;
      arrivals.push(start + random() * jitterMs);
    }
  }
  arrivals.sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < arrivals.length; to++) {
    while ((arrivals[to] as number) - (arrivals[from] as number) >= limit.durationMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

describe('smoothLimiter', () => {
  it('spaces single calls so a window plus its margin holds max: 5/1000 with 100 ms → one per 220 ms', () => {
    expect(smoothLimiter({ max: 5, durationMs: 1000 }, 100)).toEqual({ max: 1, duration: 220 });
    expect(smoothLimiter({ max: 50, durationMs: 1000 }, 0)).toEqual({ max: 1, duration: 20 });
    expect(smoothLimiter({ max: 100, durationMs: 5000 }, 100)).toEqual({ max: 1, duration: 51 });
  });

  it('does not round high limits down by more than a few percent beyond the margin', () => {
    for (const max of [101, 150, 199, 333, 1000, 5000, 100_000]) {
      const limit = { max, durationMs: 1000 };
      const { max: k, duration } = smoothLimiter(limit, 100);
      const rate = (k * 1000) / duration;
      const allowedByMargin = (max * 1000) / 1100;
      expect(rate, `${max}/1000 runs at ${rate.toFixed(1)}/s`).toBeGreaterThanOrEqual(0.94 * allowedByMargin);
      expect(rate).toBeLessThanOrEqual(max);
    }
  });

  it('never lets the vendor see more than max in any sliding window, with jitter up to the margin', () => {
    for (const limit of [
      { max: 5, durationMs: 1000 },
      { max: 7, durationMs: 1000 },
      { max: 20, durationMs: 1000 },
      { max: 150, durationMs: 1000 },
      { max: 333, durationMs: 1000 },
      { max: 100, durationMs: 5000 },
    ]) {
      for (let seed = 1; seed <= 5; seed++) {
        expect(
          busiestVendorWindow(limit, 100, 100, seed),
          `${limit.max}/${limit.durationMs}`,
        ).toBeLessThanOrEqual(limit.max);
      }
    }
  });

  it('would overshoot without the margin (the jitter the margin is for)', () => {
    const worst = Math.max(
      ...[1, 2, 3, 4, 5].map((seed) => busiestVendorWindow({ max: 5, durationMs: 1000 }, 0, 100, seed)),
    );
    expect(worst).toBeGreaterThan(5);
  });
});
