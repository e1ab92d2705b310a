/**
 * Retry delay for transient failures: exponential backoff with full jitter, capped
 * (the AWS "full jitter" scheme: spreads a fleet's retries so they do not arrive together).
 */

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Delay before retry number `attemptsMade` (1 after the first failure). `random` is injectable for tests. */
export function fullJitterDelayMs(
  attemptsMade: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attemptsMade - 1);
  // 2 ** 30 already exceeds any sane cap; clamping the exponent avoids Infinity.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}
