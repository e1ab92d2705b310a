import { describe, expect, it } from 'vitest';
import { type DecisionContext, decide } from '../../../src/queue/decide.ts';
import { makeOutcome, type Outcome, type OutcomeInit } from '../../../src/vendors/outcome.ts';

const base: DecisionContext = {
  kind: 'revoke',
  attemptsMade: 0,
  maxAttempts: 5,
  earlierMayHaveTakenEffect: false,
  defaultRateLimitWaitMs: 1000,
};

function outcome(init: Partial<OutcomeInit>): Outcome {
  return makeOutcome({ class: 'done', vendor: 'sectigo', code: '0', message: '', latencyMs: 1, ...init });
}

describe('decide', () => {
  it('completes done revokes as revoked and replaces as replaced', () => {
    expect(decide(outcome({}), base)).toEqual({
      action: 'complete',
      itemOutcome: 'revoked',
      confirmed: false,
    });
    expect(decide(outcome({}), { ...base, kind: 'replace' })).toMatchObject({ itemOutcome: 'replaced' });
  });

  it('keeps a DigiCert request waiting for approval as pending-approval', () => {
    const pending = outcome({
      vendor: 'digicert',
      code: '201',
      learned: { requestId: '7', requestStatus: 'pending' },
    });
    expect(decide(pending, base)).toMatchObject({ action: 'complete', itemOutcome: 'pending-approval' });
  });

  it('retries transient outcomes until the last attempt, then dead-letters', () => {
    const transient = outcome({ class: 'transient', code: '-14' });
    expect(decide(transient, { ...base, attemptsMade: 3 })).toEqual({ action: 'retry' });
    expect(decide(transient, { ...base, attemptsMade: 4 })).toMatchObject({ action: 'dead-letter' });
  });

  it('waits the vendor time when rate-limited, else the default', () => {
    expect(decide(outcome({ class: 'rate-limited', retryAfterMs: 7000 }), base)).toEqual({
      action: 'rate-limit',
      waitMs: 7000,
    });
    expect(decide(outcome({ class: 'rate-limited' }), base)).toEqual({ action: 'rate-limit', waitMs: 1000 });
  });

  it('halts on halt outcomes', () => {
    expect(decide(outcome({ class: 'halt', code: '-16', message: 'Permission denied!' }), base)).toEqual({
      action: 'halt',
      reason: '-16 Permission denied!',
    });
  });

  it('dead-letters permanent outcomes, already revoked included, on a first attempt', () => {
    const already = outcome({ class: 'permanent', code: '-21', learned: { alreadyRevoked: true } });
    expect(decide(already, base)).toMatchObject({ action: 'dead-letter' });
  });

  it('applies the ambiguity rule: already revoked after an attempt that may have worked is revoked (confirmed)', () => {
    const already = outcome({ class: 'permanent', code: '-21', learned: { alreadyRevoked: true } });
    expect(decide(already, { ...base, earlierMayHaveTakenEffect: true, attemptsMade: 1 })).toEqual({
      action: 'complete',
      itemOutcome: 'revoked',
      confirmed: true,
    });
    // Only for revokes: a replace told "already revoked" has not produced a replacement.
    expect(decide(already, { ...base, kind: 'replace', earlierMayHaveTakenEffect: true })).toMatchObject({
      action: 'dead-letter',
    });
  });
});

describe('decide: what cannot be retried blindly', () => {
  it('counts "already rejected" after an ambiguous attempt as our revoke', () => {
    const rejected = outcome({ class: 'permanent', code: '-20', learned: { alreadyRejected: true } });
    expect(decide(rejected, { ...base, earlierMayHaveTakenEffect: true, attemptsMade: 1 })).toMatchObject({
      action: 'complete',
      itemOutcome: 'revoked',
      confirmed: true,
    });
    expect(decide(rejected, base)).toMatchObject({ action: 'dead-letter' });
  });

  it('dead-letters a replacement that may have been made instead of ordering a second one', () => {
    const reset = outcome({ class: 'transient', code: 'CA_ERR_RESET', mayHaveTakenEffect: true });
    expect(decide(reset, { ...base, kind: 'replace' })).toMatchObject({ action: 'dead-letter' });
    const refused = outcome({ class: 'transient', code: 'CA_ERR_CONNECT', mayHaveTakenEffect: false });
    expect(decide(refused, { ...base, kind: 'replace' })).toEqual({ action: 'retry' });
  });
});

describe('decide: repeated account faults halt', () => {
  const missingArgument = outcome({
    class: 'permanent',
    code: '-3',
    message: "The 'x' argument is missing!",
  });
  const forbidden = outcome({
    class: 'permanent',
    vendor: 'digicert',
    code: 'access_denied',
    httpStatus: 403,
  });

  it('dead-letters the first few, then halts the account instead of dead-lettering the batch', () => {
    expect(decide(missingArgument, { ...base, sameCodeInARow: 9 })).toMatchObject({ action: 'dead-letter' });
    expect(decide(missingArgument, { ...base, sameCodeInARow: 10 })).toMatchObject({ action: 'halt' });
    expect(decide(forbidden, { ...base, sameCodeInARow: 10 })).toMatchObject({ action: 'halt' });
  });

  it('never escalates answers about the job itself, however often they repeat', () => {
    const already = outcome({ class: 'permanent', code: '-21', learned: { alreadyRevoked: true } });
    expect(decide(already, { ...base, sameCodeInARow: 1000 })).toMatchObject({ action: 'dead-letter' });
  });
});

describe('decide: answers that must never become revoked', () => {
  it('a request created or found rejected is dead-lettered, never revoked', () => {
    const rejected = outcome({
      vendor: 'digicert',
      code: '201',
      message: 'revoke request 7 is rejected',
      learned: { requestId: '7', requestStatus: 'rejected' },
    });
    expect(decide(rejected, base)).toMatchObject({ action: 'dead-letter' });
  });
});

describe('decide: -16 after a resume', () => {
  const denied = outcome({
    class: 'halt',
    code: '-16',
    message: 'Permission denied!',
    learned: { mayConcernOnlyThisTarget: true },
  });
  const after = { suspect: true, succeededSinceResume: false, othersQueued: true, deferrals: 0 };

  it('halts the first time, and for any job that did not cause the last halt', () => {
    expect(decide(denied, base)).toMatchObject({ action: 'halt' });
    expect(decide(denied, { ...base, afterResume: { ...after, suspect: false } })).toMatchObject({
      action: 'halt',
    });
  });

  it('the job that caused it is dead-lettered once the account has succeeded since the resume', () => {
    const decision = decide(denied, { ...base, afterResume: { ...after, succeededSinceResume: true } });
    expect(decision).toMatchObject({ action: 'dead-letter' });
    expect(decision.action === 'dead-letter' && decision.reason).toMatch(/credentials work/);
  });

  it('waits for other jobs to prove the credentials, then gives up saying both causes', () => {
    expect(decide(denied, { ...base, afterResume: after })).toMatchObject({ action: 'defer' });
    const alone = decide(denied, { ...base, afterResume: { ...after, othersQueued: false } });
    expect(alone.action === 'dead-letter' && alone.reason).toMatch(/credentials are still wrong/);
    const tired = decide(denied, { ...base, afterResume: { ...after, deferrals: 12 } });
    expect(tired).toMatchObject({ action: 'dead-letter' });
  });

  it('a halt that is surely the account’s (a 401) halts whatever the resume says', () => {
    const badKey = outcome({ class: 'halt', vendor: 'digicert', code: 'invalid_api_key', httpStatus: 401 });
    expect(decide(badKey, { ...base, afterResume: { ...after, succeededSinceResume: true } })).toMatchObject({
      action: 'halt',
    });
  });
});
