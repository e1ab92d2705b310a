/**
 * When a failed delivery is tried again: exponential backoff from `baseDelayMs`, doubling, capped
 * at `maxDelayMs`, with jitter that only ever shortens a wait by up to a quarter. The jitter spreads
 * a fleet's retries to a receiver that comes back; keeping at least three quarters of each wait
 * keeps a promise about the horizon: with the defaults (30 attempts, 5 s, 1 h) the retries span
 * about 20 hours and at least 15, so a receiver down for an hour (or a night) gets every event
 * afterwards. A receiver's `Retry-After` lengthens a wait, never beyond `maxDelayMs`.
 */

export interface DeliveryRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The least share of the nominal delay a retry waits. */
const JITTER_FLOOR = 0.75;

/** The nominal delay before retry number `attemptsMade` (1 after the first failure). */
export function nominalDelayMs(attemptsMade: number, policy: DeliveryRetryPolicy): number {
  const exponent = Math.min(Math.max(0, attemptsMade - 1), 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** The delay before retry number `attemptsMade`. `random` is injectable for tests. */
export function deliveryDelayMs(
  attemptsMade: number,
  policy: DeliveryRetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const nominal = nominalDelayMs(attemptsMade, policy);
  const delay = Math.floor(nominal * (JITTER_FLOOR + (1 - JITTER_FLOOR) * random()));
  if (retryAfterMs === undefined || retryAfterMs <= delay) return delay;
  return Math.min(policy.maxDelayMs, Math.ceil(retryAfterMs));
}

/**
 * How long after the first attempt the last one is made, at least and at most: the time a
 * receiver may be down and still get the event.
 */
export function retryHorizonMs(policy: DeliveryRetryPolicy): { min: number; max: number } {
  let max = 0;
  for (let made = 1; made < policy.attempts; made++) max += nominalDelayMs(made, policy);
  return { min: Math.floor(max * JITTER_FLOOR), max };
}

/** `Retry-After` as milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
