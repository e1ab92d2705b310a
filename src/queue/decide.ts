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
 *
 * A halt that may concern only this target (Sectigo -16) halts the account the first time; after
 * `account resume` the job that caused it is told apart: dead-lettered when the account has made
 * a successful call since (its credentials work, the order's context is refused), deferred while
 * other jobs can still prove that, and dead-lettered saying both causes when nothing can.
 */
import { ErrorCodes } from '../errors.ts';
import type { Outcome } from '../vendors/outcome.ts';

export type Decision =
  | { action: 'complete'; itemOutcome: 'revoked' | 'replaced' | 'pending-approval'; confirmed: boolean }
  | { action: 'retry' }
  | { action: 'rate-limit'; waitMs: number }
  /** `code` replaces the outcome's code on the record when the reason is ours (REPLACE_UNCERTAIN). */
  | { action: 'dead-letter'; reason: string; code?: string }
  | { action: 'halt'; reason: string }
  /** Run the job again after `delayMs`, not an attempt: other jobs go first. */
  | { action: 'defer'; delayMs: number; reason: string };

/** How long a suspect job waits for other jobs to prove the account's credentials. */
export const SUSPECT_DEFER_MS = 5_000;
/** How often it waits before it is dead-lettered with both possible causes. */
export const SUSPECT_MAX_DEFERRALS = 12;

/** What the queue knows of a job whose halt may concern only its own target. */
export interface AfterResume {
  /** This job's answer halted the account before its last resume. */
  suspect: boolean;
  /** A call of the account succeeded since that resume. */
  succeededSinceResume: boolean;
  /** Other jobs of the account wait to run (and could prove the credentials). */
  othersQueued: boolean;
  /** How often this job was deferred already. */
  deferrals: number;
}

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
  /** For a halt that may concern only this target: what the queue knows since the last resume. */
  afterResume?: AfterResume;
}

export function decide(outcome: Outcome, context: DecisionContext): Decision {
  switch (outcome.class) {
    case 'done': {
      const status = outcome.learned.requestStatus;
      if (status === 'rejected') {
        // A request an approver turned down: the certificate stays valid, whatever the status code.
        return {
          action: 'dead-letter',
          reason: `revoke request ${outcome.learned.requestId ?? ''} was rejected by an approver: the certificate stays valid`,
        };
      }
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
      if (outcome.learned.reissuePending) {
        return {
          action: 'dead-letter',
          code: ErrorCodes.DIGICERT_REISSUE_PENDING,
          reason:
            `${outcome.message}: DigiCert does not revoke a certificate while its reissue is pending. Cancel the ` +
            'reissue in CertCentral, or wait until it is issued (and revoke the reissued certificate too if it carries ' +
            'the same key), then replay (revoker dlq replay)',
        };
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
    case 'halt': {
      const after = context.afterResume;
      if (outcome.learned.mayConcernOnlyThisTarget && after?.suspect) {
        if (after.succeededSinceResume) {
          return {
            action: 'dead-letter',
            reason:
              `${outcome.code} ${outcome.message} again after the account was resumed, for this job alone: the account's ` +
              "calls succeed, so its credentials work and this order's context is refused (another account or organisation may own it)",
          };
        }
        if (after.othersQueued && after.deferrals < SUSPECT_MAX_DEFERRALS) {
          return {
            action: 'defer',
            delayMs: SUSPECT_DEFER_MS,
            reason: `${outcome.code} again after resume: other jobs run first to tell the account's credentials from this order's context`,
          };
        }
        return {
          action: 'dead-letter',
          reason:
            `${outcome.code} ${outcome.message} again after the account was resumed, and no other call of the account has ` +
            "succeeded since: either this order's context is refused or the credentials are still wrong. If other jobs " +
            'halt the account too, fix the credentials, resume, and replay this one',
        };
      }
      return { action: 'halt', reason: `${outcome.code} ${outcome.message}` };
    }
  }
}
