/**
 * The allowed changes of an item record, as one table. Pure: the Redis scripts in
 * src/queue/commands/ enforce it atomically (result-store.ts hands them the row of this table
 * that a write needs), and test/unit/queue/record-transitions.test.ts walks every pair.
 *
 *   (none)           → any outcome (the first write of an item)
 *   in-progress      → in-progress (retrying, intents) | revoked | replaced | rehearsed
 *                      | pending-approval | dead-lettered
 *   pending-approval → pending-approval | revoked | dead-lettered
 *   dead-lettered    → in-progress, only by a reopen (dlq replay, submit --retry-dead-lettered)
 *   revoked, replaced, rehearsed → nothing, ever
 */
import type { RecordOutcome } from './item-record.ts';

/** `reopen`: a person asked to run a dead-lettered item again. */
export type TransitionMode = 'normal' | 'reopen';

const NORMAL: Readonly<Record<RecordOutcome, readonly RecordOutcome[]>> = {
  'in-progress': ['in-progress', 'revoked', 'replaced', 'rehearsed', 'pending-approval', 'dead-lettered'],
  'pending-approval': ['pending-approval', 'revoked', 'dead-lettered'],
  'dead-lettered': [],
  revoked: [],
  replaced: [],
  rehearsed: [],
};

const REOPEN: Readonly<Partial<Record<RecordOutcome, readonly RecordOutcome[]>>> = {
  'dead-lettered': ['in-progress'],
};

export function canTransition(
  from: RecordOutcome | undefined,
  to: RecordOutcome,
  mode: TransitionMode = 'normal',
): boolean {
  if (from === undefined) return mode === 'normal';
  const table = mode === 'reopen' ? REOPEN : NORMAL;
  return table[from]?.includes(to) ?? false;
}

/** The outcomes a record may hold for a write of `to` to be allowed: what the scripts check. */
export function allowedSources(to: RecordOutcome, mode: TransitionMode = 'normal'): RecordOutcome[] {
  const table = mode === 'reopen' ? REOPEN : NORMAL;
  return (Object.keys(table) as RecordOutcome[]).filter((from) => table[from]?.includes(to));
}
