import { describe, expect, it } from 'vitest';
import type { AttemptRecord, ItemRecord } from '../../../src/queue/item-record.ts';
import { planStart, type StartFacts } from '../../../src/queue/plan-start.ts';

const transient: AttemptRecord = {
  at: 1,
  code: '-14',
  class: 'transient',
  message: 'unknown error',
  latencyMs: 5,
  mayHaveTakenEffect: false,
};
const facts = (over: Partial<StartFacts> = {}): StartFacts => ({
  final: false,
  record: undefined,
  earlierIntent: undefined,
  kind: 'revoke',
  rehearsal: false,
  hasTestMode: true,
  ...over,
});

describe('planStart: what a run does before any vendor call', () => {
  it('completes a job whose record is final with no call, whatever else is true', () => {
    const record: ItemRecord = { outcome: 'revoked', attempts: [] };
    for (const kind of ['revoke', 'replace'] as const) {
      expect(planStart(facts({ final: true, record, kind, earlierIntent: { step: 'call', at: 1 } }))).toEqual(
        { action: 'finished', record },
      );
    }
  });

  it('calls on a first run, with nothing that may have taken effect', () => {
    expect(planStart(facts())).toEqual({ action: 'call', attempts: [], earlierMayHaveTakenEffect: false });
  });

  it('counts an unanswered earlier call as one that may have reached the vendor (a revoke calls again)', () => {
    const plan = planStart(
      facts({
        record: { outcome: 'in-progress', attempts: [transient] },
        earlierIntent: { step: 'call', at: 9 },
      }),
    );
    expect(plan).toMatchObject({ action: 'call', earlierMayHaveTakenEffect: true });
    expect(plan.action === 'call' && plan.attempts.map((a) => a.code)).toEqual(['-14', 'WORKER_LOST']);
  });

  it('never sends a replacement again after an unanswered replacement call', () => {
    expect(planStart(facts({ kind: 'replace', earlierIntent: { step: 'call', at: 9 } }))).toMatchObject({
      action: 'replace-uncertain',
      attempts: [{ code: 'WORKER_LOST', mayHaveTakenEffect: true }],
    });
    // A replace without an unanswered call is sent (its first run, or after an answered failure).
    expect(planStart(facts({ kind: 'replace' }))).toMatchObject({ action: 'call' });
  });

  it('never sends a rehearsal of an operation without a test mode; with one, it is sent (test=Y)', () => {
    expect(planStart(facts({ rehearsal: true, hasTestMode: false }))).toEqual({
      action: 'not-sent',
      attempts: [],
    });
    expect(planStart(facts({ rehearsal: true, hasTestMode: true }))).toMatchObject({ action: 'call' });
    expect(planStart(facts({ rehearsal: false, hasTestMode: false }))).toMatchObject({ action: 'call' });
  });
});
