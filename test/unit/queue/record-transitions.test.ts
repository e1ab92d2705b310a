/**
 * The item record's transition table, every pair: what may follow what, and what never may.
 * The Redis scripts enforce exactly this table (their behaviour is in
 * test/integration/record-store.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ITEM_OUTCOMES, type RecordOutcome } from '../../../src/queue/item-record.ts';
import { allowedSources, canTransition, type TransitionMode } from '../../../src/queue/record-transitions.ts';

const OUTCOMES = ITEM_OUTCOMES.filter((o): o is RecordOutcome => o !== 'skipped-invalid');

/** The table as the issue states it, written out independently of the implementation. */
const ALLOWED = new Set([
  'none→in-progress',
  'none→revoked',
  'none→marked-replaced',
  'none→replaced',
  'none→rehearsed',
  'none→pending-approval',
  'none→dead-lettered',
  'in-progress→in-progress',
  'in-progress→revoked',
  'in-progress→marked-replaced',
  'in-progress→replaced',
  'in-progress→rehearsed',
  'in-progress→pending-approval',
  'in-progress→dead-lettered',
  'pending-approval→pending-approval',
  'pending-approval→revoked',
  'pending-approval→dead-lettered',
]);
const ALLOWED_ON: Record<TransitionMode, Set<string>> = {
  normal: ALLOWED,
  reopen: new Set(['dead-lettered→in-progress']),
  purge: new Set(['dead-lettered→dead-lettered']),
};

const pairs = [undefined, ...OUTCOMES].flatMap((from) => OUTCOMES.map((to) => [from, to] as const));

describe('record transitions', () => {
  for (const mode of ['normal', 'reopen', 'purge'] as TransitionMode[]) {
    const table = ALLOWED_ON[mode];
    it.each(pairs)(`${mode}: %s → %s`, (from, to) => {
      const expected = table.has(`${from ?? 'none'}→${to}`);
      expect(canTransition(from, to, mode)).toBe(expected);
      // What the scripts are handed agrees with the table.
      if (from !== undefined) expect(allowedSources(to, mode).includes(from)).toBe(expected);
    });
  }

  it('never lets anything overwrite a success', () => {
    for (const success of ['revoked', 'marked-replaced', 'replaced', 'rehearsed'] as const) {
      for (const to of OUTCOMES) {
        expect(canTransition(success, to, 'normal')).toBe(false);
        expect(canTransition(success, to, 'reopen')).toBe(false);
        expect(canTransition(success, to, 'purge')).toBe(false);
      }
    }
  });

  it('reopens a dead-lettered item only when a person asks', () => {
    expect(canTransition('dead-lettered', 'in-progress')).toBe(false);
    expect(canTransition('dead-lettered', 'in-progress', 'reopen')).toBe(true);
    expect(canTransition(undefined, 'in-progress', 'reopen')).toBe(false);
  });
});
