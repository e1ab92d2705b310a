/**
 * The allowed changes of an item record, as one table. Pure: the Redis scripts in
 * src/queue/commands/ enforce it atomically (result-store.ts hands them the row of this table
 * that a write needs), and test/unit/queue/record-transitions.test.ts walks every pair.
 *
 *   (none)           → any outcome (the first write of an item)
 *   in-progress      → in-progress (retrying, intents) | revoked | marked-replaced | replaced | rehearsed
 *                      | pending-approval | dead-lettered
 *   pending-approval → pending-approval | revoked | dead-lettered
 *   dead-lettered    → in-progress, only by a reopen (dlq replay, submit --retry-dead-lettered)
 *                    → dead-lettered, only by a purge (marks it `purged`: a later submit starts afresh)
 *   revoked, marked-replaced, replaced, rehearsed → nothing, ever
 */
import type { RecordOutcome } from './item-record.ts';

/**
 * `reopen`: a person asked to run a dead-lettered item again. `purge`: its dead-letter entry is
 * deleted and the record marked so a later submit runs it afresh.
 */
export type TransitionMode = 'normal' | 'reopen' | 'purge';

const NORMAL: Readonly<Record<RecordOutcome, readonly RecordOutcome[]>> = {
  'in-progress': [
    'in-progress',
    'revoked',
    'marked-replaced',
    'replaced',
    'rehearsed',
    'pending-approval',
    'dead-lettered',
  ],
  'pending-approval': ['pending-approval', 'revoked', 'dead-lettered'],
  'dead-lettered': [],
  revoked: [],
  'marked-replaced': [],
  replaced: [],
  rehearsed: [],
};

const SPECIAL: Readonly<
  Record<Exclude<TransitionMode, 'normal'>, Partial<Record<RecordOutcome, readonly RecordOutcome[]>>>
> = {
  reopen: { 'dead-lettered': ['in-progress'] },
  purge: { 'dead-lettered': ['dead-lettered'] },
};

const tableOf = (mode: TransitionMode) => (mode === 'normal' ? NORMAL : SPECIAL[mode]);

export function canTransition(
  from: RecordOutcome | undefined,
  to: RecordOutcome,
  mode: TransitionMode = 'normal',
): boolean {
  if (from === undefined) return mode === 'normal';
  return tableOf(mode)[from]?.includes(to) ?? false;
}

/** The outcomes a record may hold for a write of `to` to be allowed: what the scripts check. */
export function allowedSources(to: RecordOutcome, mode: TransitionMode = 'normal'): RecordOutcome[] {
  const table = tableOf(mode);
  return (Object.keys(table) as RecordOutcome[]).filter((from) => table[from]?.includes(to));
}
