/**
 * An account's rate limit as the vendor enforces it: one or more sliding windows
 * (DigiCert: 100 per 5 s and 1000 per 3 min per key). A request is admitted only when every
 * window has room; only admitted requests take room, so a client that backs off on the
 * over-limit answer is not punished for the requests that were refused.
 */
import { z } from 'zod';
import { createSlidingWindow, type SlidingWindow } from './sliding-window.ts';

export const rateLimitSchema = z.object({
  max: z.number().int().positive(),
  durationMs: z.number().int().positive(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export interface RateLimiter {
  readonly limits: readonly RateLimit[];
  tryAdmit(now: number): Admission;
  reset(): void;
}

export function createRateLimiter(limits: readonly RateLimit[]): RateLimiter {
  const windows: { limit: RateLimit; window: SlidingWindow }[] = limits.map((limit) => ({
    limit,
    window: createSlidingWindow(limit.durationMs),
  }));
  return {
    limits,
    tryAdmit(now) {
      let retryAfterMs = 0;
      for (const { limit, window } of windows) {
        retryAfterMs = Math.max(retryAfterMs, window.msUntilBelow(limit.max, now));
      }
      if (retryAfterMs > 0) return { admitted: false, retryAfterMs };
      for (const { window } of windows) window.record(now);
      return { admitted: true };
    },
    reset() {
      for (const { window } of windows) window.reset();
    },
  };
}

/** Parses `MAX/DURATION_MS` (e.g. `5/1000`); several may be joined with commas. */
export function parseRateLimits(text: string): RateLimit[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(part);
    const parsed = rateLimitSchema.safeParse(
      match ? { max: Number(match[1]), durationMs: Number(match[2]) } : {},
    );
    if (!parsed.success) throw new Error(`invalid rate limit "${part}": use MAX/DURATION_MS, e.g. 5/1000`);
    return parsed.data;
  });
}
