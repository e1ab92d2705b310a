/**
 * Checks a schedule's cron pattern and time zone the way BullMQ will read them, so a bad
 * schedule stops start-up naming the field instead of failing inside a job scheduler later.
 *
 * Patterns have 5 fields (minute hour day month weekday) or 6 (a seconds field first):
 * `0 3 * * *` is 03:00 every day, `*\/10 * * * * *` every ten seconds. BullMQ parses them with
 * cron-parser; `getNextMillis` is its own entry to that parser.
 */
import { getNextMillis } from 'bullmq';

/** Why `tz` is not a time zone, or undefined when it is one (an IANA name such as `Europe/Berlin`). */
export function timeZoneProblem(tz: string): string | undefined {
  try {
    // Intl knows the IANA zones of the runtime's ICU data, which is what cron-parser uses too.
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not a time zone: write an IANA name such as "UTC" or "Europe/Berlin"`;
  }
}

/** Why `pattern` cannot drive a schedule in `tz`, or undefined when it can. */
export function cronProblem(pattern: string, tz: string, now: number = Date.now()): string | undefined {
  const fields = pattern
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length < 5 || fields.length > 6) {
    return (
      `"${pattern}" has ${fields.length} fields: write 5 (minute hour day month weekday, e.g. "0 3 * * *") ` +
      'or 6 with seconds first (e.g. "*/30 * * * * *")'
    );
  }
  let next: number | undefined;
  try {
    next = getNextMillis(now, { pattern, tz });
  } catch (error) {
    return `"${pattern}" is not a cron pattern: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof next !== 'number' || !Number.isFinite(next)) {
    return `"${pattern}" never fires (no date matches it)`;
  }
  return undefined;
}

/** When a pattern fires next after `after` (epoch ms), as BullMQ computes it. */
export function nextFire(pattern: string, tz: string, after: number): number | undefined {
  try {
    const next = getNextMillis(after, { pattern, tz });
    return typeof next === 'number' && Number.isFinite(next) ? next : undefined;
  } catch {
    return undefined;
  }
}
