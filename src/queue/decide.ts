/**
 * The one place an Outcome becomes queue behaviour. Pure: the processor carries the decision out.
 *
 * | outcome class | decision                                                          |
 * |---------------|-------------------------------------------------------------------|
 * | done          | complete (revoked / replaced / pending-approval)                  |
 * | transient     | retry with backoff, or dead-letter once attempts are used up      |
 * | rate-limited  | make the account's queue wait; the job is not charged an attempt  |
 * | permanent     | dead-letter (but see the ambiguity rule)                          |
 * | halt          | pause the account, keep the job                                   |
 *
 * Ambiguity rule: a revoke answered "already revoked" (or "already rejected") after an earlier
 * attempt of ours may have reached the vendor (timeout, reset after sending, 5xx, -14) succeeded:
 * revoked (confirmed). A replacement that may have been made is never retried blindly.
 */
import { ErrorCodes } from '../errors.ts';
import type { Outcome } from '../vendors/outcome.ts';

export type Decision =
  | { action: 'complete'; itemOutcome: 'revoked' | 'replaced' | 'pending-approval'; confirmed: boolean }
  | { action: 'retry' }
  | { action: 'rate-limit'; waitMs: number }
  /** `code` replaces the outcome's code on the record when the reason is ours (REPLACE_UNCERTAIN). */
  | { action: 'dead-letter'; reason: string; code?: string }
  | { action: 'halt'; reason: string };

/**
 * Permanent answers that say more about the account or our requests than about the job when
 * they repeat: Sectigo -3 (an argument is missing: our request shape) and DigiCert 403 (the key
 * lacks a permission). After this many jobs in a row, the account halts instead of
 * dead-lettering the rest of the batch one by one.
 */
export const ESCALATE_AFTER = 10;

export function escalates(outcome: Outcome): boolean {
  if (outcome.class !== 'permanent') return false;
  return outcome.vendor === 'sectigo' ? outcome.code === '-3' : outcome.httpStatus === 403;
}

export interface DecisionContext {
  kind: 'revoke' | 'replace';
  /** Attempts already made before this answer (BullMQ attemptsMade). */
  attemptsMade: number;
  maxAttempts: number;
  /** An earlier attempt of this job may have taken effect at the vendor. */
  earlierMayHaveTakenEffect: boolean;
  /** Wait used when a rate-limited outcome carries no time of its own. */
  defaultRateLimitWaitMs: number;
  /** Jobs in a row (this one included) whose answer was this same escalating code. @defaultValue 1 */
  sameCodeInARow?: number;
}

export function decide(outcome: Outcome, context: DecisionContext): Decision {
  switch (outcome.class) {
    case 'done': {
      const status = outcome.learned.requestStatus;
      if (status === 'pending' || status === 'submitted') {
        return { action: 'complete', itemOutcome: 'pending-approval', confirmed: false };
      }
      return {
        action: 'complete',
        itemOutcome: context.kind === 'replace' ? 'replaced' : 'revoked',
        confirmed: false,
      };
    }
    case 'transient':
      // A replacement is not idempotent: retrying one that may have been made orders a second
      // certificate. A person checks the vendor first (the dead-letter entry says why).
      if (context.kind === 'replace' && outcome.mayHaveTakenEffect) {
        return {
          action: 'dead-letter',
          code: ErrorCodes.REPLACE_UNCERTAIN,
          reason:
            `the replacement may have been created (${outcome.code} ${outcome.message}); ` +
            'not retried, so no second certificate is ordered: check the order at the vendor before replaying',
        };
      }
      if (context.attemptsMade + 1 >= context.maxAttempts) {
        return {
          action: 'dead-letter',
          reason: `gave up after ${context.attemptsMade + 1} attempts: ${outcome.code} ${outcome.message}`,
        };
      }
      return { action: 'retry' };
    case 'rate-limited':
      return { action: 'rate-limit', waitMs: outcome.retryAfterMs ?? context.defaultRateLimitWaitMs };
    case 'permanent': {
      // Revoking a not-yet-issued order rejects it, so "already rejected" proves our call too.
      const alreadyDone = outcome.learned.alreadyRevoked === true || outcome.learned.alreadyRejected === true;
      if (context.kind === 'revoke' && alreadyDone && context.earlierMayHaveTakenEffect) {
        return { action: 'complete', itemOutcome: 'revoked', confirmed: true };
      }
      const inARow = context.sameCodeInARow ?? 1;
      if (escalates(outcome) && inARow >= ESCALATE_AFTER) {
        return {
          action: 'halt',
          reason: `${inARow} jobs in a row answered ${outcome.code} ${outcome.message}: the account or our requests are at fault, not the jobs`,
        };
      }
      return { action: 'dead-letter', reason: `${outcome.code} ${outcome.message}` };
    }
    case 'halt':
      return { action: 'halt', reason: `${outcome.code} ${outcome.message}` };
  }
}
