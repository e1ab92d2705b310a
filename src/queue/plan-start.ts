/**
 * What a job's run does once it has read its item record, before any vendor call. Pure: the
 * processor carries the plan out (test/unit/queue/plan-start.test.ts walks every case).
 *
 * | the record says                            | the run                                        |
 * |--------------------------------------------|------------------------------------------------|
 * | a final outcome                            | completes with no call (re-adds a dead-letter)  |
 * | an unanswered replacement call             | dead-letters REPLACE_UNCERTAIN, no call         |
 * | a rehearsal of an operation with no test mode | records `rehearsed`, REHEARSAL_NOT_SENT, no call |
 * | anything else                              | calls; an unanswered earlier call counts as one |
 * |                                            | that may have reached the vendor               |
 */
import {
  type AttemptRecord,
  appendAttempt,
  type CallIntent,
  type ItemRecord,
  lostAttempt,
} from './item-record.ts';

export type StartPlan =
  | { action: 'finished'; record: ItemRecord }
  | { action: 'replace-uncertain'; attempts: AttemptRecord[] }
  | { action: 'not-sent'; attempts: AttemptRecord[] }
  | { action: 'call'; attempts: AttemptRecord[]; earlierMayHaveTakenEffect: boolean };

export interface StartFacts {
  /** What `begin` answered: the record as found, whether it ends the job, an unanswered intent. */
  final: boolean;
  record: ItemRecord | undefined;
  earlierIntent: CallIntent | undefined;
  kind: 'revoke' | 'replace';
  rehearsal: boolean;
  hasTestMode: boolean;
}

export function planStart(facts: StartFacts): StartPlan {
  if (facts.final && facts.record) return { action: 'finished', record: facts.record };
  let attempts = facts.record?.attempts ?? [];
  if (facts.earlierIntent) {
    attempts = appendAttempt(attempts, lostAttempt(facts.earlierIntent));
    // A replacement that may have been made is never sent again by itself.
    if (facts.kind === 'replace' && facts.earlierIntent.step === 'call') {
      return { action: 'replace-uncertain', attempts };
    }
  }
  // Validated at submit; sending would really act at the vendor, and a rehearsal promises not to.
  if (facts.rehearsal && !facts.hasTestMode) return { action: 'not-sent', attempts };
  return { action: 'call', attempts, earlierMayHaveTakenEffect: attempts.some((a) => a.mayHaveTakenEffect) };
}
