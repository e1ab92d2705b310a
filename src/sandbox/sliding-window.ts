/**
 * A sliding-window event counter: how many events fell in the last `durationMs`, and the most
 * that ever fell in any window of that length. Both the vendors' rate limits and the sandbox's
 * accounting ("never more than N requests in any second") are built on it.
 */

export interface SlidingWindow {
  readonly durationMs: number;
  /** Events in the window ending at `now`: those with `now - durationMs < t <= now`. */
  count(now: number): number;
  /** Records one event at `now` and returns the count in the window ending there. */
  record(now: number): number;
  /**
   * Milliseconds from `now` until the window holds fewer than `max` events (0 when it already
   * does): when the oldest event that must leave has left.
   */
  msUntilBelow(max: number, now: number): number;
  /** The most events seen in any window of `durationMs` since the last reset. */
  readonly peak: number;
  reset(): void;
}

export function createSlidingWindow(durationMs: number): SlidingWindow {
  if (!(durationMs > 0)) throw new Error(`window duration must be positive, got ${durationMs}`);
  // A queue as an array plus a head index: O(1) amortised, compacted when the dead prefix grows.
  let times: number[] = [];
  let head = 0;
  let peak = 0;

  const evict = (now: number): void => {
    const cutoff = now - durationMs;
    while (head < times.length && (times[head] as number) <= cutoff) head++;
    if (head > 1024 && head * 2 > times.length) {
      times = times.slice(head);
      head = 0;
    }
  };

  return {
    durationMs,
    count(now) {
      evict(now);
      return times.length - head;
    },
    record(now) {
      evict(now);
      times.push(now);
      const current = times.length - head;
      // The busiest window can always be slid to end at an event, so checking at each event suffices.
      if (current > peak) peak = current;
      return current;
    },
    msUntilBelow(max, now) {
      evict(now);
      const current = times.length - head;
      if (current < max) return 0;
      const mustLeave = times[head + (current - max)] as number;
      return Math.max(0, mustLeave + durationMs - now);
    },
    get peak() {
      return peak;
    },
    reset() {
      times = [];
      head = 0;
      peak = 0;
    },
  };
}
