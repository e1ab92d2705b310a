/**
 * Names of a scheduled run's batches: `<schedule>-<time>`, the time in ISO 8601's basic format in
 * UTC (`nightly-20261123T030000Z`). The extended format (`2026-11-23T03:00:00Z`) cannot be used:
 * batch ids become parts of BullMQ job ids and Redis keys, where `:` is reserved. The basic
 * format is ISO 8601 too, sorts by time, and fits the batch id alphabet (letters, digits, . _ -).
 *
 * The time is the cron tick the run belongs to (BullMQ's scheduled time, not when a worker
 * picked it up), so a tick's job that runs again after a crash names the same batch and resumes
 * it instead of submitting a second. A drop directory with several new files makes one batch per
 * file: the first is `<schedule>-<time>`, the next `<schedule>-<time>-2`, `-3`… in file name order.
 */

/** `20261123T030000Z`: the UTC second of `epochMs`, ISO 8601 basic format. */
export function scheduleStamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The id of the `index`-th (1-based) batch of a run of `schedule` at `tickAt`. */
export function scheduleBatchId(schedule: string, tickAt: number, index = 1): string {
  return `${schedule}-${scheduleStamp(tickAt)}${index > 1 ? `-${index}` : ''}`;
}
