/**
 * Turns an account's rate limit into the BullMQ limiter that keeps it. BullMQ's limiter is a
 * fixed window: at most `k` jobs start per window of `s` ms, a window opening at the first job
 * after the last one closed. Vendors count a sliding window of `durationMs` from when requests
 * *arrive*, and arrival times wander by the network's jitter (and our own Redis round trip before
 * the call). So the limiter must hold `max` over any sliding window of `durationMs + marginMs`
 * at our side:
 *
 * - one job per window (k = 1): starts are at least `s` apart, so a half-open window of length L
 *   holds at most ceil(L / s) of them: s = (durationMs + marginMs) / max;
 * - k > 1 per window: a window of length L meets at most ceil(L / s) + 1 limiter windows, so
 *   k · (ceil(L / s) + 1) ≤ max.
 *
 * Of all such (k, s) with s ≥ 10 ms (shorter slices cost Redis more than they give), the fastest
 * is taken: high limits lose only the margin and a few percent of rounding (150/1000 with a
 * 100 ms margin runs at 133/s; the margin alone allows 136).
 */

export interface RateLimit {
  max: number;
  durationMs: number;
}

/** Room for network jitter (and the Redis round trip before each call) added to the window. */
export const DEFAULT_MARGIN_MS = 100;
const MIN_SLICE_MS = 10;

export function smoothLimiter(
  limit: RateLimit,
  marginMs: number = DEFAULT_MARGIN_MS,
): { max: number; duration: number } {
  const span = limit.durationMs + marginMs;
  let best = { max: 1, duration: Math.max(MIN_SLICE_MS, Math.ceil(span / limit.max)) };
  for (let k = 2; k <= limit.max / 2; k++) {
    const windows = Math.floor(limit.max / k) - 1;
    const duration = Math.max(MIN_SLICE_MS, Math.ceil(span / windows));
    if (k / duration > best.max / best.duration) best = { max: k, duration };
  }
  return best;
}

/** Calls per second the limiter lets through, for logs and status. */
export function limiterRatePerSecond(limiter: { max: number; duration: number }): number {
  return (limiter.max * 1000) / limiter.duration;
}
