/** Counting arrival times in sliding windows. */

/** The most arrivals in any window `[t, t + durationMs)`; `times` ascending. */
export function busiestWindow(times: readonly number[], durationMs: number): number {
  let best = 0;
  let head = 0;
  for (let i = 0; i < times.length; i++) {
    while ((times[head] as number) <= (times[i] as number) - durationMs) head++;
    best = Math.max(best, i - head + 1);
  }
  return best;
}
