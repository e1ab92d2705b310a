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
 * Ambiguity rule: a revoke answered "already revoked" after an earlier attempt of ours may have
 * reached the vendor (timeout, reset after sending, 5xx, -14) succeeded: revoked (confirmed).
 */
import type { Outcome } from '../vendors/outcome.ts';

export type Decision =
  | { action: 'complete'; itemOutcome: 'revoked' | 'replaced' | 'pending-approval'; confirmed: boolean }
  | { action: 'retry' }
  | { action: 'rate-limit'; waitMs: number }
  | { action: 'dead-letter'; reason: string }
  | { action: 'halt'; reason: string };

export interface DecisionContext {
  kind: 'revoke' | 'replace';
  /** Attempts already made before this answer (BullMQ attemptsMade). */
  attemptsMade: number;
  maxAttempts: number;
  /** An earlier attempt of this job may have taken effect at the vendor. */
  earlierMayHaveTakenEffect: boolean;
  /** Wait used when a rate-limited outcome carries no time of its own. */
  defaultRateLimitWaitMs: number;
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
      if (context.attemptsMade + 1 >= context.maxAttempts) {
        return {
          action: 'dead-letter',
          reason: `gave up after ${context.attemptsMade + 1} attempts: ${outcome.code} ${outcome.message}`,
        };
      }
      return { action: 'retry' };
    case 'rate-limited':
      return { action: 'rate-limit', waitMs: outcome.retryAfterMs ?? context.defaultRateLimitWaitMs };
    case 'permanent':
      if (context.kind === 'revoke' && outcome.learned.alreadyRevoked && context.earlierMayHaveTakenEffect) {
        return { action: 'complete', itemOutcome: 'revoked', confirmed: true };
      }
      return { action: 'dead-letter', reason: `${outcome.code} ${outcome.message}` };
    case 'halt':
      return { action: 'halt', reason: `${outcome.code} ${outcome.message}` };
  }
}
