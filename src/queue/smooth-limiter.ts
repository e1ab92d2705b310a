/**
 * Turns an account's rate limit into the BullMQ limiter that keeps it. BullMQ's limiter is a
 * fixed window that opens when the first job starts; vendors count a sliding window from when
 * requests arrive. A whole window's burst at once, plus the spread of network latency, puts the
 * end of one burst and the start of the next into the same vendor second (measured: 50/1000
 * gave peaks of 99 in a second). Slicing the window evenly (50/1000 → 1 per 20 ms) keeps every
 * sliding window at or under the limit; slices of at least 10 ms keep high limits cheap.
 */

export interface RateLimit {
  max: number;
  durationMs: number;
}

const MIN_SLICE_MS = 10;

export function smoothLimiter(limit: RateLimit): { max: number; duration: number } {
  const sliceMs = Math.max(MIN_SLICE_MS, Math.ceil(limit.durationMs / limit.max));
  // Floor: a slice never allows more than its share, so the whole window never exceeds `max`.
  const perSlice = Math.max(1, Math.floor((limit.max * sliceMs) / limit.durationMs));
  return { max: perSlice, duration: sliceMs };
}
